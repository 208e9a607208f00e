// Package rabbitmq probes the RabbitMQ management HTTP API (15672).
//
// The management API always requires credentials. leakwatch asks without
// any first (an API behind a reverse proxy that injects an Authorization
// header answers); on a 401 it tries RabbitMQ's documented default user
// guest/guest exactly once (which a stock RabbitMQ accepts from loopback
// only), unless default credentials are off (--no-default-credentials).
// No other password is ever tried. Messages are never read: the API's
// "get messages" is a POST that dequeues and requeues (it changes the
// queue), so queues are inventoried by counts and sizes only.
package rabbitmq

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the RabbitMQ management probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "rabbitmq" }

// DefaultPorts implements probe.Probe (management HTTP, HTTPS).
func (Probe) DefaultPorts() []int { return []int{15672, 15671} }

const pathOverview = "/api/overview"

// Identify asks /api/overview: an overview document, or a 401 with the
// management realm.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, pathOverview)
	if err != nil {
		return nil, err
	}
	svc, _ := identify(r)
	return svc, nil
}

func identify(r *httpx.Response) (*event.Service, overview) {
	svc := &event.Service{Name: "rabbitmq", Product: "RabbitMQ"}
	switch r.Status {
	case 200:
		o, ok := parseOverview(r.Body)
		if !ok {
			return nil, o
		}
		svc.Version = o.RabbitVersion
		if o.ClusterName != "" {
			svc.Info = map[string]string{"cluster_name": o.ClusterName, "management_version": o.ManagementVersion}
		}
		return svc, o
	case 401:
		if strings.Contains(r.Header.Get("WWW-Authenticate"), `realm="RabbitMQ Management"`) {
			return svc, overview{}
		}
	}
	return nil, overview{}
}

// defaultCredentials is RabbitMQ's documented default user and password.
const defaultCredentials = "guest/guest"

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, pathOverview)
	if err != nil {
		return err
	}
	svc, o := identify(r)
	if svc == nil {
		return probe.Protocolf("%s: not a RabbitMQ management answer (HTTP %d)", pathOverview, r.Status)
	}
	how := "without credentials"
	if r.Status == 401 && env.DefaultCredentials() {
		// One try with the documented default, never another password.
		c = c.WithHeader("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("guest:guest")))
		if r, err = c.Get(ctx, pathOverview); err != nil {
			return err
		}
		if r.Status == 401 {
			ev.Service = svc
			return &httpx.StatusError{Path: pathOverview, Status: r.Status,
				Body: "the management API requires credentials (the default guest/guest was refused)"}
		}
		if svc, o = identify(r); svc == nil {
			return probe.Protocolf("%s: not a RabbitMQ management answer with guest/guest (HTTP %d)", pathOverview, r.Status)
		}
		svc.Info = mergeInfo(svc.Info, "default_credentials", defaultCredentials)
		how = "to the default credentials " + defaultCredentials
	}
	ev.Service = svc
	if r.Status != 200 {
		return &httpx.StatusError{Path: pathOverview, Status: r.Status, Body: "the management API requires credentials"}
	}
	ds := &event.Dataset{}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	// Anonymous: no secret was needed (a documented default is none).
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("/api/overview answered %s (RabbitMQ %s, %d queues, %d messages)",
			how, o.RabbitVersion, o.Totals.Queues, o.Queued.Messages)}
	if err := queues(ctx, env, c, ds); err != nil {
		ev.Errors = append(ev.Errors, err.Error())
	}
	users, err := definitions(ctx, env, c, ds)
	if err != nil {
		ev.Errors = append(ev.Errors, err.Error())
	}
	if users > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; /api/definitions exposed %d users with password hashes", users)
		ev.Indicators = append(ev.Indicators, event.Indicator{Kind: "admin-api-open", Container: "users",
			Detail: "the management API answers " + how + " with administrator rights (definitions, users, password hashes)"})
	}
	return nil
}

func mergeInfo(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
