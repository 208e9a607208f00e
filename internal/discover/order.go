package discover

// watermark tracks which items are complete when they finish out of order,
// so Stats.Done can name the lowest index not yet completed.
type watermark struct {
	idx     []uint64 // index of each started item, in start order
	done    []bool
	head    int    // first entry not yet popped
	base    uint64 // sequence number of idx[0]
	last    uint64 // index of the last item pulled
	started bool
}

// add registers the next pulled item and returns its sequence number.
func (w *watermark) add(index uint64) uint64 {
	if w.head > 4096 && w.head > len(w.idx)/2 { // compact
		n := copy(w.idx, w.idx[w.head:])
		copy(w.done, w.done[w.head:])
		w.idx, w.done = w.idx[:n], w.done[:n]
		w.base += uint64(w.head)
		w.head = 0
	}
	w.idx = append(w.idx, index)
	w.done = append(w.done, false)
	w.last, w.started = index, true
	return w.base + uint64(len(w.idx)-1)
}

// finish marks sequence number seq complete.
func (w *watermark) finish(seq uint64) {
	w.done[seq-w.base] = true
	for w.head < len(w.idx) && w.done[w.head] {
		w.head++
	}
}

// lowest returns the lowest index not completed: the first unfinished item,
// else the one after the last pulled (0 if nothing was pulled).
func (w *watermark) lowest() uint64 {
	if w.head < len(w.idx) {
		return w.idx[w.head]
	}
	if !w.started {
		return 0
	}
	return w.last + 1
}
