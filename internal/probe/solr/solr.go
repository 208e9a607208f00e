// Package solr probes Apache Solr over its HTTP API: the system info handler
// identifies the node, the CoreAdmin STATUS action inventories its cores
// (documents, index size) and /select samples a few documents per core.
// Everything is read through httpx (pinned to the target, bounded, no redirects).
package solr

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the Solr probe.
type Probe struct{}

// New returns the Solr probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "solr" }

// DefaultPorts implements probe.Probe.
func (Probe) DefaultPorts() []int { return []int{8983} }

const (
	systemPath = "/solr/admin/info/system?wt=json"
	coresPath  = "/solr/admin/cores?action=STATUS&wt=json"
)

// Identify reads the system info handler. A node with the BasicAuth plugin
// (blockUnknown) answers 401 with Solr's realm, which still identifies it.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, systemPath)
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

func identify(r *httpx.Response) *event.Service {
	if r.Status == 200 {
		if info, ok := parseSystem(r.Body); ok {
			return info.service()
		}
		return nil
	}
	if r.Status == 401 && authChallenge(r) {
		return &event.Service{Name: "solr", Product: "Solr", Info: map[string]string{"auth": "basic"}}
	}
	return nil
}

// authChallenge recognises the BasicAuthPlugin's 401: its realm (default
// "solr") or, with a custom realm, Jetty's "require authentication" page.
func authChallenge(r *httpx.Response) bool {
	wa := strings.ToLower(r.Header.Get("WWW-Authenticate"))
	if !strings.HasPrefix(wa, "basic ") && !strings.HasPrefix(wa, "xbasic ") {
		return false
	}
	if strings.Contains(wa, `realm="solr"`) {
		return true
	}
	return strings.HasPrefix(r.Header.Get("Server"), "Jetty") &&
		strings.Contains(string(r.Body), "require authentication")
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, systemPath)
	if err != nil {
		return err
	}
	if svc := identify(r); svc != nil {
		ev.Service = svc
	}
	if r.Status == 401 || r.Status == 403 {
		return fmt.Errorf("GET %s: HTTP %d: %w", systemPath, r.Status, probe.ErrAuthRequired)
	}
	var st coreStatus
	if _, err := c.GetJSON(ctx, coresPath, &st); err != nil {
		return err
	}
	cores, truncated := st.sorted(env.Limits.MaxContainers)
	ds := &event.Dataset{Truncated: truncated}
	noteStart(ev.Service, cores)
	var docs int64
	sampled := 0
	for _, core := range cores {
		cont := core.container()
		if cont.Documents != nil {
			docs += *cont.Documents
		}
		if env.Limits.Sample > 0 && ctx.Err() == nil {
			if err := sample(ctx, c, env.Limits, &cont); err != nil {
				ev.Errors = append(ev.Errors, err.Error())
				ds.Truncated = true
			}
			sampled += cont.Sampled
		}
		ds.Containers = append(ds.Containers, cont)
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("CoreAdmin STATUS listed %d cores holding %d documents", len(cores), docs)}
	if sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; /select returned %d documents", sampled)
	}
	return nil
}

// selectPath returns the query that samples n documents of core.
func selectPath(core string, n int) string {
	return "/solr/" + url.PathEscape(core) + "/select?q=*:*&wt=json&rows=" + strconv.Itoa(n)
}

// noteStart records when the earliest core was loaded (node start).
func noteStart(svc *event.Service, cores []core) {
	var first time.Time
	for _, c := range cores {
		if t, ok := c.loadedAt(); ok && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if svc == nil || first.IsZero() {
		return
	}
	if svc.Info == nil {
		svc.Info = map[string]string{}
	}
	svc.Info["cores_loaded_at"] = first.UTC().Format(time.RFC3339)
}
