// Package cassandra probes Apache Cassandra (and CQL-compatible servers such
// as ScyllaDB) over the CQL native protocol v4, with its own bounded frame
// reader: OPTIONS identifies, STARTUP tells whether credentials are required
// (READY vs AUTHENTICATE; none is ever sent), system_schema lists keyspaces
// and tables, and `SELECT * ... LIMIT N` samples rows. Row counts are not
// cheap in Cassandra, so they are left unknown unless system.size_estimates
// has an estimate.
package cassandra

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Probe is the Cassandra probe.
type Probe struct{}

// New returns the Cassandra probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "cassandra" }

// DefaultPorts implements probe.Probe (9042 native, 9142 native TLS).
func (Probe) DefaultPorts() []int { return []int{9042} }

// Identify sends OPTIONS and expects SUPPORTED with a CQL_VERSION.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s, err := c.options()
	if err != nil {
		return nil, nil // not CQL: another probe's business
	}
	return s.service(), nil
}

func (s *supported) service() *event.Service {
	svc := &event.Service{Name: "cassandra", Product: "Cassandra", Info: map[string]string{}}
	if s.scylla {
		svc.Product = "ScyllaDB"
	}
	if s.product != "" {
		svc.Info["product_type"] = s.product
	}
	if len(s.cqlVersions) > 0 {
		svc.Info["cql_version"] = clip(s.cqlVersions[0], 32)
	}
	if len(s.protocols) > 0 {
		svc.Info["protocol_versions"] = clip(strings.Join(s.protocols, ","), 100)
	}
	if s.oldProtocol {
		svc.Info["protocol"] = "older than v4"
	}
	return svc
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := dial(ctx, env, t)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.options()
	if err != nil {
		return err
	}
	ev.Service = s.service()
	if s.oldProtocol {
		return probe.Protocolf("cql: server speaks only protocol v3 or older")
	}
	auth, err := c.startup()
	if err != nil {
		return err
	}
	if auth != "" {
		ev.Service.Info["authenticator"] = auth
		return fmt.Errorf("STARTUP answered AUTHENTICATE (%s): %w", auth, probe.ErrAuthRequired)
	}
	if r, err := c.query("SELECT release_version, cluster_name FROM system.local", 1); err == nil && len(r.Rows) == 1 {
		if v, ok := r.Rows[0][0].(string); ok {
			ev.Service.Version = clip(v, 64)
		}
		if v, ok := r.Rows[0][1].(string); ok {
			ev.Service.Info["cluster_name"] = clip(v, 100)
		}
	}
	inv := &inventory{c: c, l: env.Limits}
	if err := inv.run(ctx); err != nil {
		return err
	}
	ev.Status = event.StatusOpen
	ev.Dataset = inv.ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("STARTUP answered READY without credentials; system_schema lists %d keyspaces, %d tables",
			inv.keyspaces, inv.tables)}
	if inv.sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; SELECT returned %d rows", inv.sampled)
	}
	ev.Errors = append(ev.Errors, inv.errs...)
	return nil
}
