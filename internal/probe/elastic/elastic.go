// Package elastic probes Elasticsearch and servers that speak its REST API
// (OpenSearch, ZincSearch's /es/ API) over HTTP: the "/" banner identifies
// the server (or its security realm answers 401), _cat/indices inventories
// it, _mapping names the fields and a bounded POST <index>/_search samples a
// few documents per index. Search is read-only; nothing else is ever POSTed.
package elastic

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the Elasticsearch-API probe.
type Probe struct{}

// New returns the Elasticsearch-API probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "elasticsearch" }

// DefaultPorts implements probe.Probe: 9200/9201 (Elasticsearch, OpenSearch;
// 9201 is the usual second node or a proxy), 4080 (ZincSearch's own port).
func (Probe) DefaultPorts() []int { return []int{9200, 9201, 4080} }

// Identify reads the "/" banner (one request; ZincSearch's UI redirect costs
// a second one, to its /es/ banner).
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	b, err := detect(ctx, env, httpx.New(env, t))
	if err != nil || b == nil {
		return nil, err
	}
	return b.svc, nil
}

// Explore implements probe.Probe: prove access with an index listing and
// sampled documents, inventory every index (bounded), flag ransom notes.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	b, err := detect(ctx, env, c)
	if err != nil {
		return err
	}
	if b == nil {
		return probe.Protocolf("GET /: not an Elasticsearch-compatible banner")
	}
	ev.Service = b.svc
	if b.authStatus != 0 {
		return fmt.Errorf("GET %s/: HTTP %d (%s): %w", b.base, b.authStatus, b.authHint, probe.ErrAuthRequired)
	}
	if b.base == "/es" {
		zincVersion(ctx, env, c, b.svc)
	}
	x := &explorer{env: env, c: c, b: b, ev: ev}
	return x.run(ctx)
}

// zincVersion reads ZincSearch's own version from its public GET /version
// ({"version":"v0.4.10",...}); the /es/ banner only has the ES version it
// pretends to be.
func zincVersion(ctx context.Context, env *probe.Env, c *httpx.Client, svc *event.Service) {
	var v struct {
		Version string `json:"version"`
	}
	r, err := c.Get(ctx, "/version")
	if err != nil || decode(r, "/version", env.Limits.MaxDepth, &v) != nil {
		return
	}
	if ver := strings.TrimPrefix(v.Version, "v"); ver != "" && ver != "0.0.0" {
		svc.Version = clip(ver, 64)
	}
}
