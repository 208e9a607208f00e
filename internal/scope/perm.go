package scope

// permutation is a pseudo-random bijection on [0, n): a balanced Feistel
// network on the smallest even-bit-width domain 2^(2h) ≥ n, with
// cycle-walking to stay below n. The domain is < 4n, so evaluating one index
// takes fewer than 4 network passes on average, with no state but the keys:
// this is what lets a /8 × 1,000 ports be walked without materialising it.
// (ZMap uses a cyclic group for the same purpose; a Feistel network is
// simpler to make exact for arbitrary n.)
type permutation struct {
	n    uint64
	half uint // bits per Feistel half
	keys [feistelRounds]uint64
}

const feistelRounds = 6

func newPermutation(n, seed uint64) permutation {
	p := permutation{n: n, half: 1}
	for p.half < 32 && uint64(1)<<(2*p.half) < n {
		p.half++
	}
	s := seed
	for i := range p.keys {
		s += 0x9e3779b97f4a7c15
		p.keys[i] = mix64(s)
	}
	return p
}

// mix64 is SplitMix64's finaliser: a cheap, well-spread 64-bit mixer.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (p *permutation) round(x uint64) uint64 {
	mask := uint64(1)<<p.half - 1
	l, r := x>>p.half, x&mask
	for _, k := range p.keys {
		l, r = r, l^(mix64(r^k)&mask)
	}
	return l<<p.half | r
}

// at returns the element at position k of the permutation (k < n).
func (p *permutation) at(k uint64) uint64 {
	x := p.round(k)
	for x >= p.n {
		x = p.round(x)
	}
	return x
}
