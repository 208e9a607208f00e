package scope

import (
	"iter"
	"sort"
)

func (s *Scope) shardItems(i, n int, start uint64) iter.Seq2[uint64, Item] {
	return func(yield func(uint64, Item) bool) {
		if n < 1 || i < 0 || i >= n {
			return
		}
		step := uint64(n)
		k := start
		if r := k % step; r != uint64(i) { // first index ≥ start in this shard
			k += (uint64(i) + step - r) % step
		}
		for ; k < s.total && k >= start; k += step {
			if !yield(k, s.At(k)) {
				return
			}
		}
	}
}

// pair maps a pair number (a permuted index) to its item. Within a block,
// consecutive pair numbers walk addresses first (j % n), then ports.
func (s *Scope) pair(p uint64) Item {
	bi := sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > p }) - 1
	b := &s.blocks[bi]
	j := p - s.starts[bi]
	ipIdx, port := j%b.n, b.ports[j/b.n]
	ii := sort.Search(len(b.cum), func(i int) bool { return b.cum[i] > ipIdx }) - 1
	x := b.iv[ii]
	info := &s.infos[x.tag]
	return Item{
		Target:   info.given,
		Host:     info.host,
		IP:       x.lo.add(ipIdx - b.cum[ii]).addr(),
		Port:     port,
		Explicit: info.explicit,
		TLS:      info.tls,
	}
}
