// Package prometheus probes Prometheus and VictoriaMetrics (whose HTTP API is
// Prometheus-compatible): build info identifies the server; scrape targets
// (internal hostnames, scrape URLs with their query parameters), the loaded
// configuration and the series count are the inventory.
//
// Only GETs of status endpoints are sent. The admin API is never called,
// not even with GET: VictoriaMetrics creates a snapshot on
// GET /api/v1/admin/tsdb/snapshot. Prometheus' admin API state is read from
// /api/v1/status/flags instead.
package prometheus

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the Prometheus / VictoriaMetrics probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "prometheus" }

// DefaultPorts implements probe.Probe: Prometheus 9090, VictoriaMetrics 8428.
func (Probe) DefaultPorts() []int { return []int{9090, 8428} }

const (
	productPrometheus = "Prometheus"
	productVM         = "VictoriaMetrics"
)

// Identify asks /api/v1/status/buildinfo. Besides a 200 answer, two 401s
// are recognisable: VictoriaMetrics' realm="VictoriaMetrics", and the
// exporter-toolkit (Prometheus' web.config basic auth): a bare
// "WWW-Authenticate: Basic" with the body "Unauthorized\n".
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, pathBuildInfo)
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

const pathBuildInfo = "/api/v1/status/buildinfo"

func identify(r *httpx.Response) *event.Service {
	switch r.Status {
	case 200:
		bi, ok := parseBuildInfo(r.Body)
		if !ok {
			return nil
		}
		// VictoriaMetrics 1.79 answers an empty data object; newer ones a
		// Prometheus-like version. Its X-Server-Hostname header tells it apart.
		if r.Header.Get("X-Server-Hostname") != "" || bi.Version == "" {
			return &event.Service{Name: "prometheus", Product: productVM, Version: bi.Version}
		}
		return &event.Service{Name: "prometheus", Product: productPrometheus, Version: bi.Version}
	case 401:
		auth := r.Header.Get("WWW-Authenticate")
		if strings.Contains(auth, `realm="VictoriaMetrics"`) {
			return &event.Service{Name: "prometheus", Product: productVM}
		}
		if auth == "Basic" && string(r.Body) == "Unauthorized\n" {
			return &event.Service{Name: "prometheus", Product: productPrometheus,
				Info: map[string]string{"identified_by": "exporter-toolkit basic-auth answer"}}
		}
	}
	return nil
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, pathBuildInfo)
	if err != nil {
		return err
	}
	svc := identify(r)
	if svc == nil {
		return probe.Protocolf("%s: not a Prometheus API answer (HTTP %d)", pathBuildInfo, r.Status)
	}
	ev.Service = svc
	if r.Status != 200 {
		return &httpx.StatusError{Path: pathBuildInfo, Status: r.Status, Body: "credentials required"}
	}

	x := explorer{env: env, c: c, ev: ev, ds: &event.Dataset{}}
	steps := []func(context.Context) error{x.targets, x.config, x.series}
	if svc.Product == productPrometheus {
		steps = append(steps, x.flags)
	}
	var first error
	for _, step := range steps {
		if err := step(ctx); err != nil {
			first = cmp.Or(first, err)
			ev.Errors = append(ev.Errors, err.Error())
		}
	}
	if len(x.proof) == 0 {
		if first == nil {
			return probe.Protocolf("no status endpoint gave anything")
		}
		return fmt.Errorf("no status endpoint readable: %w", first)
	}
	ev.Status = event.StatusOpen
	ev.Dataset = x.ds
	ev.Access = event.Access{Anonymous: true, Level: x.level, Proof: strings.Join(x.proof, "; ")}
	return nil
}
