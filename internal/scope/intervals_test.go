package scope

import (
	"math/rand/v2"
	"testing"
)

// TestIntervalOpsAgainstBruteForce checks disjoint, subtract and union on
// random small sets against a plain array of flags.
func TestIntervalOpsAgainstBruteForce(t *testing.T) {
	const span = 64
	r := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []interval {
		var iv []interval
		for i := range n {
			a, b := r.IntN(span), r.IntN(span)
			iv = append(iv, interval{u128{0, uint64(min(a, b))}, u128{0, uint64(max(a, b))}, int32(i)})
		}
		return iv
	}
	owner := func(iv []interval) [span]int32 { // first interval (by start, then tag) covering each point
		var o [span]int32
		for i := range o {
			o[i] = -2
		}
		sorted := append([]interval(nil), iv...)
		sortIntervals(sorted)
		for _, x := range sorted {
			for p := x.lo.lo; p <= x.hi.lo; p++ {
				if o[p] == -2 {
					o[p] = x.tag
				}
			}
		}
		return o
	}
	check := func(name string, got []interval, want [span]int32) {
		t.Helper()
		var have [span]int32
		for i := range have {
			have[i] = -2
		}
		for i, x := range got {
			if x.hi.less(x.lo) || (i > 0 && !got[i-1].hi.less(x.lo)) {
				t.Fatalf("%s: not sorted and disjoint: %v", name, got)
			}
			for p := x.lo.lo; p <= x.hi.lo; p++ {
				have[p] = x.tag
			}
		}
		if have != want {
			t.Fatalf("%s:\n got %v\nwant %v", name, have, want)
		}
	}
	for range 2000 {
		a, b := random(1+r.IntN(6)), random(r.IntN(4))
		da := disjoint(a)
		check("disjoint", da, owner(a))
		cut := union(nil, b)
		want := owner(a)
		for p, o := range owner(b) {
			if o != -2 {
				want[p] = -2
			}
		}
		check("subtract", subtract(da, cut), want)
		u := owner(append(append([]interval(nil), a...), b...))
		for p := range u {
			if u[p] != -2 {
				u[p] = -1
			}
		}
		check("union", union(a, b), u)
	}
}

func TestTopOfAddressSpace(t *testing.T) {
	const top = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124"
	if _, err := Parse(ctx, []string{top}, nil, Options{DefaultPorts: []int{1}}); err == nil {
		t.Error("ff00::/8 target accepted with the deny list on")
	}
	s := mustParse(t, []string{top, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126"}, Options{DefaultPorts: []int{1}, AllowReserved: true})
	got := pairs(t, s, 0)
	if len(got) != 12 {
		t.Errorf("got %d pairs: %v", len(got), got)
	}
	if _, ok := got["[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffb]:1"]; !ok {
		t.Errorf("missing the last address below the exclude: %v", got)
	}
}
