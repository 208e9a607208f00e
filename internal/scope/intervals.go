package scope

import (
	"slices"
)

// interval is an inclusive address range tagged with the target it came
// from (an index into Scope's target list; -1 for excludes and deny entries).
type interval struct {
	lo, hi u128
	tag    int32
}

// sortIntervals orders by start, then by tag so earlier targets win ties.
func sortIntervals(iv []interval) {
	slices.SortFunc(iv, func(a, b interval) int {
		if c := a.lo.cmp(b.lo); c != 0 {
			return c
		}
		return int(a.tag - b.tag)
	})
}

// disjoint makes iv pairwise disjoint and sorted, keeping tags: where two
// intervals overlap, the one that starts first (then the lower tag) keeps the
// overlap. Adjacent intervals with the same tag are joined.
func disjoint(iv []interval) []interval {
	if len(iv) == 0 {
		return nil
	}
	iv = slices.Clone(iv)
	sortIntervals(iv)
	out := iv[:0:0]
	var covered u128 // last address already emitted
	have := false
	for _, x := range iv {
		if have {
			if !covered.less(x.hi) {
				continue // fully covered
			}
			if !covered.less(x.lo) {
				x.lo = covered.add(1)
			}
		}
		if n := len(out); n > 0 && out[n-1].tag == x.tag && out[n-1].hi.add(1) == x.lo && !out[n-1].hi.isMax() {
			out[n-1].hi = x.hi
		} else {
			out = append(out, x)
		}
		covered, have = x.hi, true
		if covered.isMax() {
			break
		}
	}
	return out
}

// subtract returns iv minus cut. Both must be sorted and disjoint (cut's tags
// are ignored); the result keeps iv's tags and is sorted and disjoint.
func subtract(iv, cut []interval) []interval {
	var out []interval
	j := 0
	for _, x := range iv {
		for j < len(cut) && cut[j].hi.less(x.lo) {
			j++
		}
		cur := x
		alive := true
		for k := j; k < len(cut) && !x.hi.less(cut[k].lo); k++ {
			c := cut[k]
			if cur.lo.less(c.lo) {
				out = append(out, interval{cur.lo, c.lo.sub(u128{0, 1}), cur.tag})
			}
			if !c.hi.less(cur.hi) || c.hi.isMax() {
				alive = false
				break
			}
			if cur.lo.less(c.hi.add(1)) {
				cur.lo = c.hi.add(1)
			}
		}
		if alive {
			out = append(out, cur)
		}
	}
	return out
}

// find returns the index of the interval containing v, or -1.
func find(iv []interval, v u128) int {
	i, _ := slices.BinarySearchFunc(iv, v, func(x interval, v u128) int {
		if x.hi.less(v) {
			return -1
		}
		if v.less(x.lo) {
			return 1
		}
		return 0
	})
	if i < len(iv) && !v.less(iv[i].lo) && !iv[i].hi.less(v) {
		return i
	}
	return -1
}

// size returns the number of addresses in x, or ok=false above 2^64-1.
func (x interval) size() (uint64, bool) {
	d := x.hi.sub(x.lo)
	if d.hi != 0 || d.lo == ^uint64(0) {
		return 0, false
	}
	return d.lo + 1, true
}
