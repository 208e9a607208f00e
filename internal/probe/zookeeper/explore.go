package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

const (
	maxChildren      = 100000 // names kept from one getChildren
	maxSampleCalls   = 200    // getChildren/getData calls per container while sampling
	maxSampledTopLvl = 50     // top-level znodes sampled
	maxCountCalls    = 2000   // getChildren calls to count subtrees on servers before 3.6
)

// countSubtree counts path and its descendants with getChildren calls,
// breadth first, within *budget calls; complete is false when it ran out.
func countSubtree(c *client, root string, budget *int) (n int64, complete bool, err error) {
	queue := []string{root}
	for len(queue) > 0 {
		if *budget <= 0 {
			return n, false, nil
		}
		*budget--
		p := queue[0]
		queue = queue[1:]
		kids, err := c.children(p, maxChildren)
		if err != nil {
			var ke *KeeperError
			if errors.As(err, &ke) && ke.Code == errNoNode { // deleted meanwhile
				continue
			}
			return n, false, err
		}
		n++
		for _, k := range kids {
			queue = append(queue, path.Join(p, k))
		}
		if len(queue) > maxChildren {
			return n, false, nil
		}
	}
	return n, true, nil
}

// versionAtLeast compares "3.8.0" with major.minor.
func versionAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// Explore reads the four-letter words, then opens a read-only session: the
// top-level znodes become containers (kind "znode") with their subtree size
// (getAllChildrenNumber), creation time, and sampled data.
func (p Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	svc := &event.Service{Name: p.Name(), Product: "ZooKeeper", Info: map[string]string{}}
	ev.Service = svc
	var refused []string
	for _, cmd := range []string{"srvr", "mntr", "envi"} {
		lines, err := fourLetter(ctx, env, t, cmd)
		var nw notWhitelisted
		if errors.As(err, &nw) {
			refused = append(refused, cmd)
			continue
		}
		if err != nil || len(lines) == 0 {
			continue
		}
		fill4lw(svc, cmd, ParseKV(lines))
	}
	if len(refused) > 0 {
		svc.Info["4lw_not_whitelisted"] = strings.Join(refused, ",")
	}

	c, err := connect(ctx, env, t)
	if err != nil {
		return err
	}
	defer func() { c.close() }() // c may be replaced by a reconnect
	top, err := c.children("/", maxChildren)
	if err != nil {
		if errors.Is(err, probe.ErrAuthRequired) {
			ev.Status = event.StatusAuthRequired
			ev.Access = event.Access{Level: event.AccessNone, Proof: "getChildren / refused: " + authReason(err)}
			svc.Info["auth"] = authReason(err)
		}
		return err
	}
	slices.Sort(top)
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("getChildren / returned %d znodes", len(top))}
	ds := &event.Dataset{}
	ev.Dataset = ds
	if len(top) > env.Limits.MaxContainers {
		top, ds.Truncated = top[:env.Limits.MaxContainers], true
	}
	// getAllChildrenNumber exists since 3.6; older servers (3.4 is still
	// common) answer it with an empty reply or a closed connection, so they
	// get a bounded walk instead.
	fastCount := svc.Version == "" || versionAtLeast(svc.Version, 3, 6)
	walkBudget := maxCountCalls
	for _, name := range top {
		if ctx.Err() != nil {
			ds.Truncated = true
			break
		}
		ct := event.Container{Kind: "znode", Name: "/" + name}
		if fastCount {
			n, err := c.descendants(ct.Name)
			switch {
			case err == nil:
				ct.Documents = event.Int64(n + 1) // the znode and everything below it
			case errors.Is(err, probe.ErrAuthRequired): // ACL on this subtree
			default: // not supported: reconnect (the session may be gone) and walk
				fastCount = false
				c.close()
				if c, err = connect(ctx, env, t); err != nil {
					return err
				}
			}
		}
		if !fastCount {
			n, complete, err := countSubtree(c, ct.Name, &walkBudget)
			if err != nil && !errors.Is(err, probe.ErrAuthRequired) {
				return err
			}
			if complete && err == nil {
				ct.Documents = event.Int64(n)
			} else {
				ds.Truncated = true
			}
		}
		if _, st, err := c.data(ct.Name); err == nil && st.Ctime > 0 {
			created := time.UnixMilli(st.Ctime).UTC()
			ct.Created = &created
		}
		ds.Containers = append(ds.Containers, ct)
	}
	values, protected := 0, 0
	for i := range ds.Containers {
		if i == maxSampledTopLvl || env.Limits.Sample <= 0 {
			break
		}
		n, prot, err := sampleTree(c, env, &ds.Containers[i])
		values += n
		protected += prot
		if err != nil {
			return err
		}
	}
	if protected > 0 {
		svc.Info["acl_protected_znodes_seen"] = strconv.Itoa(protected)
	}
	if values > 0 {
		ev.Access.Level = event.AccessData
	}
	ev.Access.Proof = proof(svc, len(top), values)
	return nil
}

func proof(svc *event.Service, top, values int) string {
	var b strings.Builder
	if n := svc.Info["znode_count"]; n != "" {
		fmt.Fprintf(&b, "ZooKeeper %s reports %s znodes; ", svc.Version, n)
	}
	fmt.Fprintf(&b, "getChildren / returned %d znodes; getData read %d values", top, values)
	return b.String()
}

func authReason(err error) string {
	var ke *KeeperError
	if errors.As(err, &ke) {
		switch ke.Code {
		case errNoAuth:
			return "NOAUTH (ACL)"
		case errSessionRequiresAuth:
			return "session closed: authentication required (enforce.auth)"
		case errAuthFailed:
			return "AUTHFAILED"
		}
	}
	return err.Error()
}

func fill4lw(svc *event.Service, cmd string, kv map[string]string) {
	switch cmd {
	case "srvr":
		svc.Version = versionOf(kv["Zookeeper version"])
		set(svc, "mode", kv["Mode"])
		set(svc, "znode_count", kv["Node count"])
		set(svc, "connections", kv["Connections"])
	case "mntr":
		if svc.Version == "" {
			svc.Version = versionOf(kv["zk_version"])
		}
		set(svc, "znode_count", kv["zk_znode_count"])
		set(svc, "mode", kv["zk_server_state"])
		set(svc, "approximate_data_size", kv["zk_approximate_data_size"])
		set(svc, "ephemerals_count", kv["zk_ephemerals_count"])
	case "envi":
		set(svc, "host_name", kv["host.name"])
		set(svc, "java_version", kv["java.version"])
		set(svc, "os", kv["os.name"])
	}
}

func set(svc *event.Service, k, v string) {
	if v != "" && len(v) <= 200 && svc.Info[k] == "" {
		svc.Info[k] = v
	}
}

// sampleTree reads up to Limits.Sample non-empty znodes of a subtree,
// breadth first, listing at most Sample children per znode so that a
// sibling branch (a config next to a million messages) is reached too.
func sampleTree(c *client, env *probe.Env, ct *event.Container) (values, protected int, err error) {
	queue := []string{ct.Name}
	calls := 0
	for len(queue) > 0 && len(ct.Samples) < env.Limits.Sample && calls < maxSampleCalls {
		p := queue[0]
		queue = queue[1:]
		calls += 2
		d, st, err := c.data(p)
		if err != nil {
			if errors.Is(err, probe.ErrAuthRequired) {
				protected++
				continue
			}
			var ke *KeeperError
			if errors.As(err, &ke) && ke.Code == errNoNode { // deleted meanwhile
				continue
			}
			return len(ct.Samples), protected, err
		}
		if len(d) > 0 {
			if len(d) > env.Limits.MaxSampleBytes {
				d = d[:env.Limits.MaxSampleBytes]
			}
			ct.Samples = append(ct.Samples, event.Sample{Key: p, Format: "text", Data: d})
		}
		if st.NumChildren == 0 {
			continue
		}
		kids, err := c.children(p, maxChildren)
		if err != nil {
			if errors.Is(err, probe.ErrAuthRequired) {
				protected++
				continue
			}
			return len(ct.Samples), protected, err
		}
		slices.Sort(kids)
		for _, k := range kids[:min(len(kids), env.Limits.Sample)] {
			queue = append(queue, path.Join(p, k))
		}
	}
	ct.Sampled = len(ct.Samples)
	return ct.Sampled, protected, nil
}
