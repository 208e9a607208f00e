package scope

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
)

// MaxPairs bounds Len: a scope bigger than this (an IPv6 /64, say) is
// refused rather than started and never finished.
const MaxPairs = 1 << 40

// targetInfo is what an Item reports about the target that produced it.
type targetInfo struct {
	given, host   string
	explicit, tls bool
}

// block is every address of iv crossed with every port of ports.
type block struct {
	ports []int
	iv    []interval // sorted, disjoint, tagged with targets
	cum   []uint64   // cum[i]: addresses in iv[:i]
	n     uint64     // addresses in iv
}

// allowList answers Contains: deny list (if on) and port-less excludes.
type allowList struct {
	deny bool
	excl []interval
}

func (a *allowList) contains(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	v := fromAddr(ip.Unmap().WithZone(""))
	if a.deny && find(denyIntervals, v) >= 0 {
		return false
	}
	return find(a.excl, v) < 0
}

func parse(ctx context.Context, targets, excludes []string, opt Options) (*Scope, error) {
	defaults, err := checkPorts(opt.DefaultPorts)
	if err != nil {
		return nil, err
	}
	excl, exclPort, err := parseExcludes(excludes)
	if err != nil {
		return nil, err
	}
	allow := allowList{deny: !opt.AllowReserved, excl: excl}
	res := opt.Resolver
	if res == nil {
		res = net.DefaultResolver
	}

	// Parse everything first: an unparseable target means nothing is resolved or scanned.
	specs := make([]spec, len(targets))
	for i, t := range targets {
		if specs[i], err = parseSpec(t); err != nil {
			return nil, err
		}
		if specs[i].port == 0 && len(defaults) == 0 {
			return nil, fmt.Errorf("target %q names no port and no default ports are set", t)
		}
	}

	resolved, err := resolveAll(ctx, res, specs)
	if err != nil {
		return nil, err
	}

	// byPort[p] holds explicit-port targets; dflt holds the rest. Both are
	// split in ranks so that where targets overlap, hostname targets win
	// (their Item keeps the name), then explicit ports.
	type ranked [4][]interval // 0 host+port, 1 host, 2 addr+port, 3 addr
	byPort := map[int]*ranked{}
	var dflt ranked
	infos := make([]targetInfo, len(specs))
	for i, sp := range specs {
		infos[i] = targetInfo{given: sp.given, host: sp.host, explicit: sp.port != 0, tls: sp.tls}
		var iv []interval
		if sp.host != "" {
			for _, a := range resolved[sp.host] {
				if err := refuseResolved(sp, a, &allow, exclPort); err != nil {
					return nil, err
				}
				v := fromAddr(a)
				iv = append(iv, interval{v, v, int32(i)})
			}
		} else {
			x := interval{fromAddr(sp.lo), fromAddr(sp.hi), int32(i)}
			if allow.deny && len(subtract([]interval{x}, denyIntervals)) == 0 {
				p, why, _ := Denied(sp.lo)
				return nil, fmt.Errorf("target %q is reserved (%s: %s); it is scanned only with the deny list disabled", sp.given, p, why)
			}
			iv = []interval{x}
		}
		rank := 1
		if sp.host == "" {
			rank = 3
		}
		r := &dflt
		if sp.port != 0 {
			rank--
			if byPort[sp.port] == nil {
				byPort[sp.port] = new(ranked)
			}
			r = byPort[sp.port]
		}
		r[rank] = append(r[rank], iv...)
	}

	var cut []interval
	if allow.deny {
		cut = denyIntervals
	}
	cut = union(cut, excl)
	s := &Scope{allow: allow}
	add := func(ports []int, classes [][]interval) error {
		iv := subtract(subtract(prioritized(classes), cut), exclPort[ports[0]])
		b, err := newBlock(ports, iv)
		if err != nil {
			return err
		}
		if b.n > 0 {
			s.blocks = append(s.blocks, b)
		}
		return nil
	}
	// Ports with their own targets or excludes get their own block; the
	// other default ports share one.
	special := map[int]bool{}
	for p := range byPort {
		special[p] = true
	}
	for p := range exclPort {
		special[p] = true
	}
	var shared []int
	for _, p := range defaults {
		if !special[p] {
			shared = append(shared, p)
		}
	}
	if len(shared) > 0 {
		if err := add(shared, dflt[:]); err != nil {
			return nil, err
		}
	}
	inDefault := map[int]bool{}
	for _, p := range defaults {
		inDefault[p] = true
	}
	for _, p := range slices.Sorted(mapsKeys(special)) {
		var classes [][]interval
		if r := byPort[p]; r != nil {
			classes = append(classes, r[0])
		}
		if inDefault[p] {
			classes = append(classes, dflt[1])
		}
		if r := byPort[p]; r != nil {
			classes = append(classes, r[2])
		}
		if inDefault[p] {
			classes = append(classes, dflt[3])
		}
		if len(classes) == 0 {
			continue // an exclude for a port nothing targets
		}
		if err := add([]int{p}, classes); err != nil {
			return nil, err
		}
	}

	s.starts = make([]uint64, len(s.blocks))
	for i, b := range s.blocks {
		s.starts[i] = s.total
		pairs := b.n * uint64(len(b.ports))
		if b.n > MaxPairs || pairs > MaxPairs-s.total {
			return nil, fmt.Errorf("scope too large: more than %d (address, port) pairs; narrow the targets", uint64(MaxPairs))
		}
		s.total += pairs
	}
	s.infos = infos
	s.perm = newPermutation(s.total, opt.Seed)
	return s, nil
}

func mapsKeys(m map[int]bool) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkPorts validates and deduplicates the default ports, keeping order.
func checkPorts(ports []int) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, p := range ports {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("default port %d is not in 1-65535", p)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// parseExcludes returns port-less excludes and per-port excludes, each as
// sorted disjoint intervals.
func parseExcludes(excludes []string) ([]interval, map[int][]interval, error) {
	var all []interval
	perPort := map[int][]interval{}
	for _, e := range excludes {
		sp, err := parseSpec(e)
		if err != nil {
			return nil, nil, fmt.Errorf("exclude: %w", err)
		}
		if sp.host != "" {
			return nil, nil, fmt.Errorf("exclude %q: hostnames are not accepted in excludes; give addresses", e)
		}
		x := interval{fromAddr(sp.lo), fromAddr(sp.hi), -1}
		if sp.port != 0 {
			perPort[sp.port] = append(perPort[sp.port], x)
		} else {
			all = append(all, x)
		}
	}
	for p, iv := range perPort {
		perPort[p] = union(nil, iv)
	}
	return union(nil, all), perPort, nil
}

// refuseResolved errors if a user-given name resolves to an address the
// scope must not touch: silently dropping it would hide a surprise.
func refuseResolved(sp spec, a netip.Addr, allow *allowList, exclPort map[int][]interval) error {
	if allow.deny {
		if p, why, ok := Denied(a); ok {
			return fmt.Errorf("target %q: %s resolves to %s, which is reserved (%s: %s)", sp.given, sp.host, a, p, why)
		}
	}
	v := fromAddr(a)
	if find(allow.excl, v) >= 0 || (sp.port != 0 && find(exclPort[sp.port], v) >= 0) {
		return fmt.Errorf("target %q: %s resolves to %s, which is excluded", sp.given, sp.host, a)
	}
	return nil
}

// resolveWorkers bounds concurrent DNS lookups.
const resolveWorkers = 16

// resolveAll resolves every distinct hostname among specs, a few at a time.
// The first failure in input order is returned, naming its target.
func resolveAll(ctx context.Context, r *net.Resolver, specs []spec) (map[string][]netip.Addr, error) {
	var names []string
	first := map[string]string{} // name → first target giving it
	for _, sp := range specs {
		if sp.host != "" && first[sp.host] == "" {
			first[sp.host] = sp.given
			names = append(names, sp.host)
		}
	}
	addrs := make([][]netip.Addr, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, resolveWorkers)
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			addrs[i], errs[i] = lookup(ctx, r, name)
		}()
	}
	wg.Wait()
	out := make(map[string][]netip.Addr, len(names))
	for i, name := range names {
		if errs[i] != nil {
			return nil, fmt.Errorf("target %q: %w", first[name], errs[i])
		}
		out[name] = addrs[i]
	}
	return out, nil
}

// lookup resolves a user-given hostname to its distinct addresses.
func lookup(ctx context.Context, r *net.Resolver, host string) ([]netip.Addr, error) {
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, fmt.Errorf("hostname %s does not resolve", host)
		}
		return nil, fmt.Errorf("resolving %s: %w", host, err)
	}
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	for _, a := range addrs {
		a = a.Unmap().WithZone("")
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("hostname %s has no addresses", host)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out, nil
}

// union merges interval lists into one sorted, disjoint, untagged list.
func union(a, b []interval) []interval {
	all := make([]interval, 0, len(a)+len(b))
	for _, x := range append(slices.Clone(a), b...) {
		x.tag = -1
		all = append(all, x)
	}
	return disjoint(all)
}

// prioritized unions classes where an earlier class keeps overlaps, and
// within a class the interval starting first (then the earlier target) does.
func prioritized(classes [][]interval) []interval {
	var out, covered []interval
	for _, c := range classes {
		d := subtract(disjoint(c), covered)
		out = append(out, d...)
		covered = union(covered, d)
	}
	sortIntervals(out)
	return out
}

func newBlock(ports []int, iv []interval) (block, error) {
	b := block{ports: ports, iv: iv, cum: make([]uint64, len(iv))}
	for i, x := range iv {
		n, ok := x.size()
		if !ok || n > MaxPairs || b.n > MaxPairs {
			return b, fmt.Errorf("scope too large: more than %d addresses; narrow the targets", uint64(MaxPairs))
		}
		b.cum[i] = b.n
		b.n += n
	}
	return b, nil
}
