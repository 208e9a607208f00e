// Package influxdb probes InfluxDB 1.x over its HTTP API: /ping's
// X-Influxdb-Version header identifies it, read-only InfluxQL (SHOW
// DATABASES, SHOW MEASUREMENTS, SELECT COUNT(*), SELECT ... LIMIT N) sent
// with GET inventories and samples it. GET /query refuses statements that
// write (InfluxDB requires POST for those), which keeps the probe read-only.
package influxdb

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the InfluxDB probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "influxdb" }

// DefaultPorts implements probe.Probe.
func (Probe) DefaultPorts() []int { return []int{8086} }

// Identify asks /ping, which InfluxDB answers without authentication.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, "/ping")
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

func identify(r *httpx.Response) *event.Service {
	v := r.Header.Get("X-Influxdb-Version")
	if v == "" || r.Status >= 500 {
		return nil
	}
	svc := &event.Service{Name: "influxdb", Product: "InfluxDB", Version: v}
	if b := r.Header.Get("X-Influxdb-Build"); b != "" {
		svc.Info = map[string]string{"build": b}
	}
	return svc
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	if r, err := c.Get(ctx, "/ping"); err == nil {
		if svc := identify(r); svc != nil {
			ev.Service = svc
		}
	}
	q := querier{c: c}
	dbs, err := q.column(ctx, "", "SHOW DATABASES")
	if err != nil {
		return err
	}
	ds := &event.Dataset{}
	if m := env.Limits.MaxContainers; m > 0 && len(dbs) > m {
		dbs, ds.Truncated = dbs[:m], true
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("SHOW DATABASES listed %d databases", len(dbs))}
	x := explorer{env: env, q: q, ds: ds}
	for _, db := range dbs {
		if ctx.Err() != nil || len(ds.Containers) >= max(env.Limits.MaxContainers, 1) {
			ds.Truncated = true
			break
		}
		if err := x.database(ctx, db); err != nil {
			ev.Errors = append(ev.Errors, err.Error())
		}
	}
	if x.sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; read %d points from %s", x.proofN, x.proofName)
	}
	return nil
}

// querier sends InfluxQL with GET /query.
type querier struct{ c *httpx.Client }

func (q querier) run(ctx context.Context, db, stmt string) ([]series, error) {
	v := url.Values{"q": {stmt}}
	if db != "" {
		v.Set("db", db)
	}
	path := "/query?" + v.Encode()
	r, err := q.c.Get(ctx, path)
	if err != nil {
		return nil, err
	}
	if r.Status != 200 {
		return nil, &httpx.StatusError{Path: "/query " + stmt, Status: r.Status, Body: errorText(r.Body)}
	}
	s, err := parseQuery(r.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", stmt, err)
	}
	return s, nil
}

// column returns the first column of every row of every series (the names
// that SHOW DATABASES / SHOW MEASUREMENTS return).
func (q querier) column(ctx context.Context, db, stmt string) ([]string, error) {
	ss, err := q.run(ctx, db, stmt)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range ss {
		for _, row := range s.Values {
			if len(row) > 0 {
				if name, ok := row[0].(string); ok {
					out = append(out, name)
				}
			}
		}
	}
	return out, nil
}

// ident quotes an InfluxQL identifier.
func ident(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
