// Package scope turns what the user asked to scan into (address, port) pairs
// and hands them out lazily, in a pseudo-random order, exactly once each.
//
// Targets are IPv4/IPv6 addresses, CIDRs, dash ranges (10.0.0.1-10.0.0.50,
// 10.0.0.1-50), hostnames, host:port, [v6]:port and URLs
// (http://host:9200/ → host, port 9200). Excludes use the same syntax
// (hostnames are refused there). A built-in deny list keeps reserved,
// multicast, broadcast, unspecified and documentation ranges out unless
// Options.AllowReserved is set. See docs/scope.md.
//
// Nothing the size of the scope is ever materialised: a /8 × 1,000 ports is
// a few interval lists plus a Feistel permutation over the index space.
package scope

import (
	"context"
	"iter"
	"net"
	"net/netip"
)

// Options controls Parse.
type Options struct {
	// DefaultPorts are scanned on every target that names no port.
	DefaultPorts []int
	// Resolver resolves hostnames the user gave (only those). Nil means
	// net.DefaultResolver. Tests pass a resolver dialing their own DNS server.
	Resolver *net.Resolver
	// AllowReserved disables the built-in deny list (see Denied).
	AllowReserved bool
	// Seed selects the permutation. The same seed, targets and excludes give
	// the same order, which is what makes Shard and resume work.
	Seed uint64
}

// Item is one (address, port) pair to probe.
type Item struct {
	Target   string     // the target string as the user gave it (one that covers this pair)
	Host     string     // the hostname if the user gave one, else ""
	IP       netip.Addr // the address to connect to (IPv4 addresses are unmapped)
	Port     int        // the TCP port
	Explicit bool       // the user named this port (host:port, URL); false for DefaultPorts
	TLS      bool       // the user gave an https:// URL
}

// Scope is a parsed, deduplicated set of (address, port) pairs with a fixed
// permutation. It is immutable after Parse and safe for concurrent use.
type Scope struct {
	blocks []block // disjoint pair sets: one port list × one interval list each
	starts []uint64
	infos  []targetInfo
	total  uint64
	perm   permutation
	allow  allowList
}

// Len returns the number of distinct (address, port) pairs.
func (s *Scope) Len() uint64 { return s.total }

// Items yields (index, item) for every pair in permuted order, starting at
// permutation index start (0 for a fresh scan; a saved index to resume).
// Indices are positions in the permutation, 0 ≤ index < Len(); every pair
// appears exactly once over [0, Len()).
func (s *Scope) Items(start uint64) iter.Seq2[uint64, Item] {
	return s.ShardItems(0, 1, start)
}

// ShardItems yields the indices of shard i of n (0 ≤ i < n): those with
// index % n == i, from index start on. The n shards of the same scope and
// seed are disjoint and together cover every pair, so n workers can split a
// scan with no coordinator. The yielded index is the global permutation
// index, so a shard resumes exactly like a full scan.
func (s *Scope) ShardItems(i, n int, start uint64) iter.Seq2[uint64, Item] {
	return s.shardItems(i, n, start)
}

// At returns the item at permutation index k (k < Len()).
func (s *Scope) At(k uint64) Item { return s.pair(s.perm.at(k)) }

// Contains reports whether ip is in the allowed space: not on the deny list
// (unless AllowReserved) and not excluded. Use it before contacting an address
// learned from a target; it says nothing about whether ip was a target.
func (s *Scope) Contains(ip netip.Addr) bool { return s.allow.contains(ip) }

// Parse parses targets and excludes. Hostnames among targets are resolved
// with opt.Resolver; a name resolving to a denied or excluded address is an
// error naming both. Any unparseable input is an error naming it, and no
// Scope is returned.
func Parse(ctx context.Context, targets, excludes []string, opt Options) (*Scope, error) {
	return parse(ctx, targets, excludes, opt)
}
