package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// The v2 API (a separate key store: flannel's /coreos.com/network/config,
// old Kubernetes and Vulcand setups) is off by default since etcd 3.4 and
// removed in 3.6, but still answers on old clusters and on 3.4/3.5 started
// with --enable-v2. GET /v2/keys/?recursive=true returns the whole tree in
// one bounded response (values included); when it is larger than the max
// response size, only the top level is listed.

// V2Node is one node of a v2 keys answer.
type V2Node struct {
	Key   string   `json:"key"`
	Value *string  `json:"value"`
	Dir   bool     `json:"dir"`
	Nodes []V2Node `json:"nodes"`
}

type v2Answer struct {
	Node V2Node `json:"node"`
}

const maxV2Depth = 64

var errNoV2 = errors.New("etcd: v2 API not enabled")

// exploreV2 adds the v2 key store to ds; errNoV2 when the API is off.
func exploreV2(ctx context.Context, env *probe.Env, c *httpx.Client, ds *event.Dataset) (keys, values int, err error) {
	r, err := c.Get(ctx, "/v2/keys/?recursive=true&sorted=true")
	truncated := false
	if errors.Is(err, netio.ErrTooLarge) { // too big to read whole: list the top level only
		truncated = true
		r, err = c.Get(ctx, "/v2/keys/?sorted=true")
	}
	if err != nil {
		return 0, 0, err
	}
	switch {
	case r.Status == 404:
		return 0, 0, errNoV2
	case r.Status == 401 || r.Status == 403:
		return 0, 0, fmt.Errorf("%w: v2 keys: HTTP %d", probe.ErrAuthRequired, r.Status)
	case r.Status != 200:
		return 0, 0, probe.Protocolf("v2 keys: HTTP %d", r.Status)
	}
	var a v2Answer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		return 0, 0, probe.Protocolf("v2 keys: invalid JSON: %v", err)
	}
	keys, values = InventoryV2(env.Limits, a.Node, ds, truncated)
	return keys, values, nil
}

// InventoryV2 turns a v2 key tree into prefix containers (Parent "v2") with
// key counts and samples; topOnly says the tree is the top level only.
func InventoryV2(lim probe.Limits, root V2Node, ds *event.Dataset, topOnly bool) (keys, values int) {
	truncated := topOnly
	byPrefix := map[string]*event.Container{}
	var order []string
	var walk func(n V2Node, depth int)
	walk = func(n V2Node, depth int) {
		if depth > maxV2Depth {
			truncated = true
			return
		}
		if n.Dir {
			if topOnly && depth == 1 { // top level only: a container without a count
				p := n.Key + "/"
				if byPrefix[p] == nil && len(order) < lim.MaxContainers {
					order = append(order, p)
					byPrefix[p] = &event.Container{Kind: "prefix", Parent: "v2", Name: p}
				}
			}
			for _, k := range n.Nodes {
				walk(k, depth+1)
			}
			return
		}
		keys++
		p := Prefix(n.Key)
		if p == "" {
			p = noPrefix
		}
		ct := byPrefix[p]
		if ct == nil {
			if len(order) >= lim.MaxContainers {
				truncated = true
				return
			}
			order = append(order, p)
			ct = &event.Container{Kind: "prefix", Parent: "v2", Name: p, Documents: event.Int64(0)}
			byPrefix[p] = ct
		}
		if ct.Documents != nil {
			*ct.Documents++
		}
		if n.Value != nil && len(ct.Samples) < lim.Sample {
			d := []byte(*n.Value)
			if len(d) > lim.MaxSampleBytes {
				d = d[:lim.MaxSampleBytes]
			}
			ct.Samples = append(ct.Samples, event.Sample{Key: n.Key, Format: "text", Data: d})
			ct.Sampled = len(ct.Samples)
			values++
		}
	}
	walk(root, 0)
	slices.Sort(order)
	for _, p := range order {
		ds.Containers = append(ds.Containers, *byPrefix[p])
	}
	ds.Truncated = ds.Truncated || truncated
	return keys, values
}
