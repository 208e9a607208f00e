package store

import (
	"context"
	"net/netip"

	"github.com/leakwatch/leakwatch/internal/scope"
)

// coverLimit bounds the scope walk of CoveredBy: beyond it no exposure is
// closed by absence.
const coverLimit = 1 << 24

// CoveredBy returns the Covers function of FinishScan for a scan of sc:
// which of the currently open exposures lie inside the scan's scope. The
// scope has no membership test for (ip, port), so it is walked once against
// the (few) open exposures' addresses; a scope above coverLimit items
// closes nothing by absence (nil).
func (s *Store) CoveredBy(ctx context.Context, sc *scope.Scope) (func(netip.Addr, int) bool, error) {
	open, err := s.OpenExposureAddrs(ctx)
	if err != nil || len(open) == 0 || sc.Len() > coverLimit {
		return nil, err
	}
	want := map[netip.AddrPort]bool{}
	for _, a := range open {
		want[a] = false
	}
	for _, it := range sc.Items(0) {
		k := netip.AddrPortFrom(it.IP, uint16(it.Port))
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	return func(ip netip.Addr, port int) bool { return want[netip.AddrPortFrom(ip, uint16(port))] }, nil
}
