// Package kibana probes Kibana and OpenSearch Dashboards (HTTP, 5601). The
// status API identifies them (and tells them apart); an anonymous Console
// proxy — Kibana's way to send requests to the Elasticsearch behind it — is
// the leak: it is used only with method=GET, to list indices (_cat/indices)
// and read a few documents (_search?size=N), and flagged as "open-console".
package kibana

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the Kibana / OpenSearch Dashboards probe.
type Probe struct{}

// New returns the Kibana probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "kibana" }

// DefaultPorts implements probe.Probe.
func (Probe) DefaultPorts() []int { return []int{5601} }

const statusPath = "/api/status"

// Identify reads /api/status; a 401 is Kibana's only when the server names
// itself in a kbn-name / osd-name header or sends /app/home to its login page.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, statusPath)
	if err != nil {
		return nil, err
	}
	svc, _ := identify(ctx, c, r)
	return svc, nil
}

// identify returns the service and whether the status answer was complete
// (anonymous access to the status API) rather than redacted or refused.
func identify(ctx context.Context, c *httpx.Client, r *httpx.Response) (*event.Service, bool) {
	named := nameHeader(r.Header)
	switch {
	case r.Status == http.StatusOK:
		st, ok := parseStatus(r.Body)
		if ok && st.full() {
			return st.service(named), true
		}
		if ok && st.redacted() && named.product != "" {
			return named.service(), false
		}
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		if named.product != "" {
			return named.service(), false
		}
		if isBoom(r.Body) {
			if p := loginRedirect(ctx, c); p != "" {
				return nameInfo{product: p}.service(), false
			}
		}
	}
	return nil, false
}

// nameInfo is what the kbn-name / osd-name response headers say.
type nameInfo struct{ product, name string }

func nameHeader(h http.Header) nameInfo {
	if v := h.Get("osd-name"); v != "" {
		return nameInfo{productOSD, clip(v, 100)}
	}
	if v := h.Get("kbn-name"); v != "" {
		return nameInfo{productKibana, clip(v, 100)}
	}
	return nameInfo{}
}

func (n nameInfo) service() *event.Service {
	svc := &event.Service{Name: "kibana", Product: n.product, Info: map[string]string{}}
	if n.name != "" {
		svc.Info["server_name"] = n.name
	}
	return svc
}

// loginRedirect asks /app/home: with security on, Kibana answers 302 to
// /login?next=..., OpenSearch Dashboards to /app/login?nextUrl=...
func loginRedirect(ctx context.Context, c *httpx.Client) string {
	r, err := c.Get(ctx, "/app/home")
	if err != nil || r.Status < 300 || r.Status > 399 {
		return ""
	}
	loc := r.Header.Get("Location")
	switch {
	case strings.Contains(loc, "/app/login?nextUrl="):
		return productOSD
	case strings.Contains(loc, "/login?next="):
		return productKibana
	}
	return ""
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, statusPath)
	if err != nil {
		return err
	}
	svc, full := identify(ctx, c, r)
	if svc == nil {
		return probe.Protocolf("%s: not a Kibana status answer (HTTP %d)", statusPath, r.Status)
	}
	ev.Service = svc
	if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
		return fmt.Errorf("GET %s: HTTP %d: %w", statusPath, r.Status, probe.ErrAuthRequired)
	}
	con := console{c: c.WithHeader("kbn-xsrf", "true").WithHeader("osd-xsrf", "true"), l: env.Limits}
	ds, err := con.inventory(ctx)
	if err != nil {
		if !full || !consoleAbsent(err) {
			return err // denied (auth-required) or broken
		}
		// Console plugin off, status API open: versions and plugin states only.
		ev.Status = event.StatusOpen
		ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
			Proof: "GET /api/status readable without credentials (version, plugin states); no Console proxy"}
		return nil
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Indicators = append(ev.Indicators, event.Indicator{Kind: "open-console",
		Detail: svc.Product + " Console proxy forwards requests to the cluster behind it without credentials"})
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("Console proxy GET _cat/indices listed %d indices", len(ds.Containers))}
	if con.sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; _search returned %d documents", con.sampled)
	}
	ev.Errors = append(ev.Errors, con.errs...)
	return nil
}

// clip cuts a server-given string to n bytes of valid UTF-8.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}
