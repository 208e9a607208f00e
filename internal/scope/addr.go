package scope

import (
	"math/bits"
	"net/netip"
)

// u128 is an address as a 128-bit number. IPv4 addresses live at their
// IPv4-mapped IPv6 value (::ffff:a.b.c.d), so one ordering covers both
// families and converting back is a netip.Addr Unmap.
type u128 struct{ hi, lo uint64 }

func fromAddr(a netip.Addr) u128 {
	b := a.As16()
	var v u128
	for i := range 8 {
		v.hi = v.hi<<8 | uint64(b[i])
		v.lo = v.lo<<8 | uint64(b[8+i])
	}
	return v
}

func (v u128) addr() netip.Addr {
	var b [16]byte
	for i := range 8 {
		b[7-i] = byte(v.hi >> (8 * i))
		b[15-i] = byte(v.lo >> (8 * i))
	}
	return netip.AddrFrom16(b).Unmap()
}

func (v u128) cmp(w u128) int {
	switch {
	case v.hi < w.hi:
		return -1
	case v.hi > w.hi:
		return 1
	case v.lo < w.lo:
		return -1
	case v.lo > w.lo:
		return 1
	}
	return 0
}

func (v u128) less(w u128) bool { return v.cmp(w) < 0 }

// add returns v+n, wrapping at 2^128 (callers check bounds first).
func (v u128) add(n uint64) u128 {
	lo, c := bits.Add64(v.lo, n, 0)
	return u128{v.hi + c, lo}
}

// sub returns v-w (v ≥ w).
func (v u128) sub(w u128) u128 {
	lo, b := bits.Sub64(v.lo, w.lo, 0)
	return u128{v.hi - w.hi - b, lo}
}

func (v u128) isMax() bool  { return v.hi == ^uint64(0) && v.lo == ^uint64(0) }
func (v u128) isZero() bool { return v.hi == 0 && v.lo == 0 }

// prefixRange returns the first and last address of p.
func prefixRange(p netip.Prefix) (u128, u128) {
	p = p.Masked()
	lo := fromAddr(p.Addr())
	hostBits := p.Addr().BitLen() - p.Bits()
	// The host part spans hostBits of the low end of the 128-bit value.
	span := u128{}
	switch {
	case hostBits >= 128:
		span = u128{^uint64(0), ^uint64(0)}
	case hostBits >= 64:
		span = u128{1<<(hostBits-64) - 1, ^uint64(0)}
	case hostBits > 0:
		span = u128{0, 1<<hostBits - 1}
	}
	return lo, u128{lo.hi | span.hi, lo.lo | span.lo}
}
