package etcd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// noPrefix names the container of keys with neither '/' nor ':'.
const noPrefix = "(no prefix)"

const (
	maxListKeys        = 10000 // key names listed (keys_only) in one range call
	maxSampledPrefixes = 20    // prefixes whose values are sampled
)

// Explore counts keys, lists key names (keys only) grouped by prefix, and
// samples values per prefix.
func (p Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	ev.Service = &event.Service{Name: p.Name(), Product: "etcd", Info: map[string]string{}}
	if v, err := version(ctx, c); err == nil && v != nil {
		ev.Service = service(v)
	}
	rc, all, err := findGateway(ctx, c)
	if errors.Is(err, errNoGateway) {
		return exploreV2Only(ctx, env, c, ev)
	}
	if err != nil {
		if errors.Is(err, probe.ErrAuthRequired) {
			ev.Status = event.StatusAuthRequired
			ev.Access = event.Access{Level: event.AccessNone, Proof: "kv/range refused: " + clip(strings.TrimPrefix(err.Error(), probe.ErrAuthRequired.Error()+": "))}
			ev.Service.Info["auth"] = "enabled"
		}
		return err
	}
	ev.Service.Info["gateway"] = rc.base
	total := all.Total()
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("kv/range count_only: %d keys at revision %s", total, clip(all.Header.Revision))}
	ds := &event.Dataset{}
	ev.Dataset = ds

	list, err := rc.get(ctx, rangeRequest{Key: []byte{0}, RangeEnd: []byte{0}, KeysOnly: true, Limit: maxListKeys})
	if err != nil {
		return err
	}
	counts := map[string]int64{}
	var order []string
	var notes []string
	for _, kv := range list.Kvs {
		k := string(kv.Key)
		pfx := Prefix(k)
		if _, ok := counts[pfx]; !ok {
			order = append(order, pfx)
		}
		counts[pfx]++
		if ransomName(k) && len(notes) < 5 {
			notes = append(notes, k)
		}
	}
	ds.Truncated = list.More
	slices.Sort(order)
	if len(order) > env.Limits.MaxContainers {
		order, ds.Truncated = order[:env.Limits.MaxContainers], true
	}
	for _, pfx := range order {
		n := counts[pfx]
		if list.More { // the listing stopped early: ask the server for this prefix's exact count
			if rr, err := rc.get(ctx, rangeRequest{Key: []byte(pfx), RangeEnd: prefixEnd([]byte(pfx)), CountOnly: true}); err == nil {
				n = rr.Total()
			}
		}
		name := pfx
		if name == "" {
			name = noPrefix
		}
		ds.Containers = append(ds.Containers, event.Container{Kind: "prefix", Parent: "v3", Name: name, Documents: event.Int64(n)})
	}
	for _, n := range notes {
		ev.Indicators = append(ev.Indicators, event.Indicator{Kind: "ransom-note", Container: Prefix(n),
			Detail: "key named like a ransom note: " + clip(n)})
	}
	ev.Access.Proof += fmt.Sprintf("; keys_only listed %d keys in %d prefixes", len(list.Kvs), len(ds.Containers))
	if env.Limits.Sample <= 0 {
		addV2(ctx, env, c, ev)
		return nil
	}
	values := 0
	var sampleErr error
	for i := range ds.Containers {
		if i == maxSampledPrefixes {
			ds.Truncated = true
			break
		}
		ct := &ds.Containers[i]
		if ct.Name == noPrefix { // no range selects exactly these keys
			continue
		}
		rr, err := rc.get(ctx, rangeRequest{Key: []byte(ct.Name), RangeEnd: prefixEnd([]byte(ct.Name)), Limit: int64(env.Limits.Sample)})
		if err != nil {
			sampleErr = err // e.g. values too large for one response: keep going with the next prefix
			continue
		}
		for _, kv := range rr.Kvs {
			if len(ct.Samples) == env.Limits.Sample {
				break
			}
			d := kv.Value
			if len(d) > env.Limits.MaxSampleBytes {
				d = d[:env.Limits.MaxSampleBytes]
			}
			ct.Samples = append(ct.Samples, event.Sample{Key: string(kv.Key), Format: "text", Data: d})
		}
		ct.Sampled = len(ct.Samples)
		values += ct.Sampled
	}
	if values > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; read %d values", values)
	}
	addV2(ctx, env, c, ev)
	return sampleErr
}

// addV2 adds the v2 key store, when enabled, to an open v3 inventory.
func addV2(ctx context.Context, env *probe.Env, c *httpx.Client, ev *event.Event) {
	keys, values, err := exploreV2(ctx, env, c, ev.Dataset)
	switch {
	case errors.Is(err, errNoV2):
		return
	case err != nil:
		ev.Errors = append(ev.Errors, err.Error())
		return
	}
	ev.Service.Info["v2"] = "enabled"
	ev.Access.Proof += fmt.Sprintf("; v2 keys listed %d keys", keys)
	if values > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf(", %d values", values)
	}
}

// exploreV2Only handles servers without a v3 gateway (etcd 2.x, 3.0-3.1).
func exploreV2Only(ctx context.Context, env *probe.Env, c *httpx.Client, ev *event.Event) error {
	ds := &event.Dataset{}
	keys, values, err := exploreV2(ctx, env, c, ds)
	if errors.Is(err, probe.ErrAuthRequired) {
		ev.Status = event.StatusAuthRequired
		ev.Access = event.Access{Level: event.AccessNone, Proof: "v2 keys refused: " + err.Error()}
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (and %v)", err, errNoGateway)
	}
	ev.Dataset = ds
	ev.Status = event.StatusOpen
	ev.Service.Info["v2"] = "enabled"
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata, Proof: fmt.Sprintf("v2 keys listed %d keys", keys)}
	if values > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf(", %d values", values)
	}
	return nil
}

// Prefix groups a key: the first two path segments for keys like
// "/registry/pods/ns/name" ("/registry/pods/"), the first segment for
// shorter ones ("/config/x" → "/config/"), the text up to the first ':' for
// keys without '/', else "" (the root).
func Prefix(key string) string {
	if len(key) > 1024 {
		key = key[:1024]
	}
	if strings.Contains(key, "/") {
		start := 0
		if strings.HasPrefix(key, "/") {
			start = 1
		}
		i := strings.IndexByte(key[start:], '/')
		if i < 0 {
			return key[:start]
		}
		first := start + i + 1
		j := strings.IndexByte(key[first:], '/')
		if j < 0 {
			return key[:first]
		}
		return key[:first+j+1]
	}
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i+1]
	}
	return ""
}

func ransomName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"read_me", "readme", "how_to_recover", "recover_your", "warning", "meow", "ransom"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
