package scope

import (
	"net/netip"
)

// denyEntry is a range no scan should touch unless the user opts out with
// Options.AllowReserved: nothing legitimate listens there, or (multicast,
// broadcast) a connect would fan out or fail in confusing ways.
//
// Deliberately NOT listed, because owners scan their own networks: loopback
// (127.0.0.0/8, ::1), RFC 1918 (10/8, 172.16/12, 192.168/16), CGNAT
// (100.64.0.0/10), link-local (169.254.0.0/16, fe80::/10), unique-local
// (fc00::/7), NAT64 (64:ff9b::/96).
type denyEntry struct {
	prefix netip.Prefix
	why    string
}

var denyList = func() []denyEntry {
	raw := []struct{ p, why string }{
		{"0.0.0.0/8", "\"this network\" (RFC 791), includes the unspecified address"},
		{"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
		{"192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"},
		{"192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"},
		{"198.18.0.0/15", "benchmarking (RFC 2544)"},
		{"198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"},
		{"203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"},
		{"224.0.0.0/4", "multicast (RFC 5771)"},
		{"240.0.0.0/4", "reserved (RFC 1112), includes broadcast 255.255.255.255"},
		{"::/128", "unspecified address"},
		{"100::/64", "discard-only (RFC 6666)"},
		{"2001:db8::/32", "documentation (RFC 3849)"},
		{"3fff::/20", "documentation (RFC 9637)"},
		{"ff00::/8", "multicast (RFC 4291)"},
	}
	out := make([]denyEntry, len(raw))
	for i, r := range raw {
		out[i] = denyEntry{netip.MustParsePrefix(r.p), r.why}
	}
	return out
}()

// denyIntervals is denyList as sorted disjoint intervals.
var denyIntervals = func() []interval {
	iv := make([]interval, len(denyList))
	for i, d := range denyList {
		lo, hi := prefixRange(d.prefix)
		iv[i] = interval{lo, hi, -1}
	}
	return disjoint(iv)
}()

// Denied returns the deny-list entry covering ip ("" if none) and why it is
// there. Callers honour Options.AllowReserved themselves.
func Denied(ip netip.Addr) (prefix netip.Prefix, why string, denied bool) {
	ip = ip.Unmap().WithZone("")
	for _, d := range denyList {
		if d.prefix.Contains(ip) {
			return d.prefix, d.why, true
		}
	}
	return netip.Prefix{}, "", false
}
