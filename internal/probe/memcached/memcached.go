// Package memcached finds memcached servers readable without credentials,
// inventories the cache (items, bytes) from "stats", lists key names with
// "lru_crawler metadump" (or "stats cachedump" on old servers) and samples a
// few values with "get".
//
// Read-only: version, stats, stats items, stats cachedump, lru_crawler
// metadump and get. A get refreshes the item's LRU position and the hit
// counters, nothing else; leakwatch never sets, deletes or flushes.
package memcached

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Probe is the memcached probe.
type Probe struct{}

// New returns the memcached probe.
func New() probe.Probe { return Probe{} }

func (Probe) Name() string        { return "memcached" }
func (Probe) DefaultPorts() []int { return []int{11211} }

type conn struct {
	nc *netio.Conn
	r  *Reader
}

func dial(ctx context.Context, env *probe.Env, t probe.Target) (*conn, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: NewReader(nc, env.Limits.MaxResponse)}, nil
}

func (c *conn) send(cmd string) error {
	c.r.Reset()
	_, err := c.nc.Write([]byte(cmd + "\r\n"))
	return err
}

// Identify sends "version": memcached answers "VERSION x.y.z", or
// "CLIENT_ERROR unauthenticated" in ASCII-auth mode.
func (p Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, err
	}
	defer c.nc.Close()
	if err := c.send("version"); err != nil {
		return nil, err
	}
	l, err := c.r.Line()
	if errors.Is(err, errUnauthenticated) {
		return &event.Service{Name: p.Name(), Product: "memcached", Info: map[string]string{"auth": "ascii"}}, nil
	}
	if err != nil {
		return nil, nil
	}
	v, ok := strings.CutPrefix(string(l), "VERSION ")
	if !ok || v == "" || len(v) > 64 {
		return nil, nil
	}
	return &event.Service{Name: p.Name(), Product: "memcached", Version: v}, nil
}

const (
	maxStats    = 256
	maxDumpKeys = 10000 // key names read from metadump
)

// Explore reads stats, lists key names and samples values.
func (p Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := dial(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.nc.Close()
	if err := c.send("stats"); err != nil {
		return err
	}
	st, err := c.r.Stats(maxStats)
	if errors.Is(err, errUnauthenticated) {
		ev.Status = event.StatusAuthRequired
		ev.Service = &event.Service{Name: p.Name(), Product: "memcached", Info: map[string]string{"auth": "ascii"}}
		ev.Access = event.Access{Level: event.AccessNone, Proof: "stats refused: CLIENT_ERROR unauthenticated"}
		return fmt.Errorf("%w: %v", probe.ErrAuthRequired, err)
	}
	if err != nil {
		return err
	}
	if st["version"] == "" && st["curr_items"] == "" {
		return probe.Protocolf("memcached: stats without version or curr_items")
	}
	ev.Service = &event.Service{Name: p.Name(), Product: "memcached", Version: st["version"], Info: map[string]string{}}
	for _, k := range []string{"uptime", "curr_connections", "limit_maxbytes", "total_items", "evictions", "threads"} {
		if v := st[k]; v != "" {
			ev.Service.Info[k] = v
		}
	}
	items, _ := strconv.ParseInt(st["curr_items"], 10, 64)
	size, _ := strconv.ParseInt(st["bytes"], 10, 64)
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("stats: curr_items=%d bytes=%d", items, size)}
	ev.Dataset = &event.Dataset{Containers: []event.Container{{Kind: "cache", Name: "cache",
		Documents: event.Int64(items), Bytes: event.Int64(size)}}}
	ct := &ev.Dataset.Containers[0]

	keys, how, truncated, err := listKeys(ctx, env, t, c)
	ev.Dataset.Truncated = truncated
	prefixes := countPrefixes(keys)
	for i, pc := range prefixes {
		if i == env.Limits.MaxFields {
			break
		}
		ct.Fields = append(ct.Fields, pc.prefix+"*")
	}
	if how != "" {
		ev.Service.Info["key_listing"] = how
		ev.Access.Proof += fmt.Sprintf("; %s listed %d keys%s", how, len(keys), prefixSummary(prefixes))
	}
	if err != nil {
		return err
	}
	if env.Limits.Sample > 0 && len(keys) > 0 {
		got, err := sample(env, c, pickSpread(keys, env.Limits.Sample))
		ct.Samples = got
		ct.Sampled = len(got)
		if len(got) > 0 {
			ev.Access.Level = event.AccessData
			ev.Access.Proof += fmt.Sprintf("; get returned %d values", len(got))
		}
		return err
	}
	return nil
}

type prefixCount struct {
	prefix string
	n      int
}

func countPrefixes(keys []string) []prefixCount {
	m := map[string]int{}
	for _, k := range keys {
		m[Prefix(k)]++
	}
	out := make([]prefixCount, 0, len(m))
	for p, n := range m {
		out = append(out, prefixCount{p, n})
	}
	slices.SortFunc(out, func(a, b prefixCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.prefix, b.prefix)
	})
	return out
}

func prefixSummary(pcs []prefixCount) string {
	var b strings.Builder
	for i, pc := range pcs {
		if i == 5 {
			fmt.Fprintf(&b, ", +%d more", len(pcs)-i)
			break
		}
		name := pc.prefix
		if name == "" {
			name = "(no prefix)"
		}
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", name, pc.n)
	}
	if b.Len() > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// pickSpread takes n keys, round-robin over prefixes, so one namespace of
// sessions does not hide the user records.
func pickSpread(keys []string, n int) []string {
	by := map[string][]string{}
	var order []string
	for _, k := range keys {
		p := Prefix(k)
		if _, ok := by[p]; !ok {
			order = append(order, p)
		}
		by[p] = append(by[p], k)
	}
	var out []string
	for i := 0; len(out) < n; i++ {
		added := false
		for _, p := range order {
			if i < len(by[p]) && len(out) < n {
				out = append(out, by[p][i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

// sample reads the values of keys with one multi-get.
func sample(env *probe.Env, c *conn, keys []string) ([]event.Sample, error) {
	if err := c.send("get " + strings.Join(keys, " ")); err != nil {
		return nil, err
	}
	items, err := c.r.Values(env.Limits.MaxSampleBytes)
	out := make([]event.Sample, 0, len(items))
	for _, it := range items {
		if len(out) == env.Limits.Sample {
			break
		}
		out = append(out, event.Sample{Key: it.Key, Format: "text", Data: it.Data})
	}
	return out, err
}
