package scan

import (
	"container/heap"
	"sync"
)

// tracker computes the checkpoint: the lowest item index not yet finished.
// An item is finished when discovery completed it (the discovery watermark
// passed it) and, if its port was open, its event reached the sinks.
//
//	checkpoint = min(discovery watermark, lowest index of an open port in flight)
type tracker struct {
	mu         sync.Mutex
	discovered uint64    // every index below it was completed by discovery
	inflight   indexHeap // open ports queued, identified or explored
	finished   map[uint64]bool
	checkpoint uint64
	persist    func(uint64)

	persistMu sync.Mutex // orders persist calls
	persisted uint64
}

func newTracker(start uint64, persist func(uint64)) *tracker {
	return &tracker{discovered: start, checkpoint: start, persisted: start, finished: map[uint64]bool{}, persist: persist}
}

// add records an open port at index i entering the pipeline. Discovery
// reports it before its watermark passes i, so the checkpoint cannot have
// moved past it.
func (t *tracker) add(i uint64) {
	t.mu.Lock()
	heap.Push(&t.inflight, i)
	t.mu.Unlock()
}

// done records that the event of the open port at index i reached the sinks.
func (t *tracker) done(i uint64) {
	t.mu.Lock()
	t.finished[i] = true
	t.advance()
}

// discoveredUpTo records discovery's watermark.
func (t *tracker) discoveredUpTo(w uint64) {
	t.mu.Lock()
	t.discovered = max(t.discovered, w)
	t.advance()
}

// advance is called with t.mu held and releases it. persist runs outside
// t.mu (it writes to the store) but under persistMu, with increasing values.
func (t *tracker) advance() {
	for t.inflight.Len() > 0 && t.finished[t.inflight[0]] {
		delete(t.finished, heap.Pop(&t.inflight).(uint64))
	}
	cp := t.discovered
	if t.inflight.Len() > 0 {
		cp = min(cp, t.inflight[0])
	}
	moved := cp > t.checkpoint
	if moved {
		t.checkpoint = cp
	}
	t.mu.Unlock()
	if !moved || t.persist == nil {
		return
	}
	t.persistMu.Lock()
	defer t.persistMu.Unlock()
	if cp > t.persisted { // a later checkpoint may have been persisted meanwhile
		t.persisted = cp
		t.persist(cp)
	}
}

// indexHeap is a min-heap of item indices.
type indexHeap []uint64

func (h indexHeap) Len() int           { return len(h) }
func (h indexHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h indexHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *indexHeap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *indexHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
