package scan

import "sync"

// batch is a run of consecutive item indices [.., end) discovered together.
type batch struct {
	end        uint64
	pending    int  // open ports of the batch not yet at the sinks
	discovered bool // discovery returned for the whole batch
}

// tracker computes the checkpoint: the end of the longest prefix of batches
// that are fully discovered and have no pending open port.
type tracker struct {
	mu         sync.Mutex
	queue      []*batch // open batches, in index order
	checkpoint uint64
	persist    func(uint64)

	persistMu sync.Mutex // orders persist calls
	persisted uint64
}

func newTracker(start uint64, persist func(uint64)) *tracker {
	return &tracker{checkpoint: start, persist: persist}
}

func (t *tracker) open(end uint64) *batch {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := &batch{end: end}
	t.queue = append(t.queue, b)
	return b
}

func (t *tracker) add(b *batch) {
	t.mu.Lock()
	b.pending++
	t.mu.Unlock()
}

func (t *tracker) discovered(b *batch) {
	t.mu.Lock()
	b.discovered = true
	t.advance()
}

func (t *tracker) done(b *batch) {
	t.mu.Lock()
	b.pending--
	t.advance()
}

// advance is called with t.mu held and releases it. persist runs outside
// t.mu (it writes to the store) but under persistMu, with increasing values.
func (t *tracker) advance() {
	moved := false
	for len(t.queue) > 0 && t.queue[0].discovered && t.queue[0].pending == 0 {
		t.checkpoint = t.queue[0].end
		t.queue = t.queue[1:]
		moved = true
	}
	cp := t.checkpoint
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
