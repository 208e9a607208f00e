// Package clickhouse probes ClickHouse over its HTTP interface (8123):
// SELECT version() identifies it, system.databases / system.tables (and
// system.parts on old versions) inventory it, and SELECT * ... LIMIT N
// samples tables stored locally.
//
// Every query is a GET, which ClickHouse itself executes read-only, plus the
// readonly=1 setting where the server accepts it (18.x refuses to change
// "readonly" on a GET, error 164: then the GET alone keeps it read-only).
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the ClickHouse probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "clickhouse" }

// DefaultPorts implements probe.Probe (HTTP, HTTPS).
func (Probe) DefaultPorts() []int { return []int{8123, 8443} }

// Identify runs SELECT version().
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	s := newSession(env, t)
	ver, err := s.query(ctx, "SELECT version()")
	if !s.isClickHouse {
		var se *httpx.StatusError
		if err != nil && !errors.As(err, &se) && !errors.Is(err, probe.ErrProtocol) && !errors.Is(err, probe.ErrAuthRequired) {
			return nil, err // transport trouble: say so
		}
		return nil, nil // something else answered
	}
	return service(strings.TrimSpace(string(ver))), nil
}

func service(version string) *event.Service {
	svc := &event.Service{Name: "clickhouse", Product: "ClickHouse"}
	if looksLikeVersion(version) {
		svc.Version = version
	}
	return svc
}

// session runs queries against one server and remembers whether it accepts
// the readonly=1 setting and whether it looked like ClickHouse.
type session struct {
	c            *httpx.Client
	noReadonly   bool // the server refused readonly=1 (code 164); GET stays read-only
	isClickHouse bool
}

func newSession(env *probe.Env, t probe.Target) *session {
	return &session{c: httpx.New(env, t)}
}

// query sends one SELECT and returns the body of a successful answer.
func (s *session) query(ctx context.Context, q string) ([]byte, error) {
	for {
		v := url.Values{"query": {q}}
		if !s.noReadonly {
			v.Set("readonly", "1")
		}
		r, err := s.c.Get(ctx, "/?"+v.Encode())
		if err != nil {
			return nil, err
		}
		if hasClickHouseHeader(r) {
			s.isClickHouse = true
		}
		ex, isEx := parseException(r.Body)
		if !isEx && r.Status == 200 {
			ex, isEx = trailingException(r.Body)
		}
		if isEx {
			s.isClickHouse = s.isClickHouse || ex.code > 0
		}
		switch {
		case r.Status == 200 && !isEx:
			return r.Body, nil
		case isEx && ex.code == codeReadonly && !s.noReadonly && strings.Contains(ex.text, "readonly"):
			s.noReadonly = true // retry once without the setting
			continue
		case r.Status == 401 || r.Status == 403 || (isEx && ex.isAuth()):
			if strings.Contains(r.Header.Get("WWW-Authenticate"), "ClickHouse") {
				s.isClickHouse = true
			}
			return nil, fmt.Errorf("%s: HTTP %d: %s: %w", q, r.Status, ex.text, probe.ErrAuthRequired)
		case isEx:
			return nil, probe.Protocolf("%s: ClickHouse error %d: %.200s", q, ex.code, ex.text)
		default:
			return nil, &httpx.StatusError{Path: "/?query=" + q, Status: r.Status}
		}
	}
}

func hasClickHouseHeader(r *httpx.Response) bool {
	for k := range r.Header {
		if strings.HasPrefix(k, "X-Clickhouse-") {
			return true
		}
	}
	return false
}

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	s := newSession(env, t)
	ver, err := s.query(ctx, "SELECT version()")
	if s.isClickHouse {
		ev.Service = service(strings.TrimSpace(string(ver)))
	}
	if err != nil {
		return err
	}
	x := explorer{env: env, s: s, ds: &event.Dataset{}}
	if err := x.inventory(ctx); err != nil {
		return err
	}
	ev.Status = event.StatusOpen
	ev.Dataset = x.ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("SELECT version() answered %q without credentials; system.tables listed %d tables", ev.Service.Version, len(x.ds.Containers))}
	x.sample(ctx, ev)
	if x.sampled > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; read %d rows from %s", x.proofN, x.proofName)
	}
	return nil
}

// quoteIdent quotes a database or table name with backticks.
func quoteIdent(s string) string {
	return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(s) + "`"
}

// quoteString quotes a string literal.
func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
