// Package couchdb probes CouchDB and CouchDB-compatible servers
// (pouchdb-server / express-pouchdb) over their HTTP API: the welcome
// document identifies the server, _all_dbs and per-database info inventory
// it, and _all_docs?include_docs=true samples a few documents per database.
package couchdb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the CouchDB probe.
type Probe struct{}

// New returns the CouchDB probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "couchdb" }

// DefaultPorts implements probe.Probe (5984 HTTP, 6984 HTTPS).
func (Probe) DefaultPorts() []int { return []int{5984, 6984} }

// Identify reads the welcome document at "/". A CouchDB that requires a
// valid user for everything answers 401 with a CouchDB error body and a
// "Server: CouchDB/x" header, which still identifies it.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, "/")
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

func identify(r *httpx.Response) *event.Service {
	if w, ok := parseWelcome(r.Body); ok && r.Status == 200 {
		return w.service()
	}
	if server := r.Header.Get("Server"); strings.HasPrefix(server, "CouchDB/") && isCouchError(r.Body) {
		v, _, _ := strings.Cut(strings.TrimPrefix(server, "CouchDB/"), " ")
		return &event.Service{Name: "couchdb", Product: "CouchDB", Version: v}
	}
	return nil
}

// Explore implements probe.Probe.
func (p Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, "/")
	if err != nil {
		return err
	}
	if svc := identify(r); svc != nil {
		ev.Service = svc
	}
	if r.Status == 401 || r.Status == 403 {
		return fmt.Errorf("GET /: HTTP %d: %w", r.Status, probe.ErrAuthRequired)
	}

	dbs, listErr := listDBs(ctx, c, env.Limits.MaxContainers)
	if listErr != nil && !errors.Is(listErr, probe.ErrAuthRequired) {
		return listErr
	}
	ds := &event.Dataset{Truncated: dbs.truncated}
	inv := inventory{env: env, c: c, ds: ds}
	for _, name := range dbs.names {
		if ctx.Err() != nil {
			ds.Truncated = true
			break
		}
		if err := inv.database(ctx, name); err != nil {
			ev.Errors = append(ev.Errors, err.Error())
			if !errors.Is(err, probe.ErrAuthRequired) && !errors.Is(err, probe.ErrProtocol) {
				break // transport trouble: stop, keep what we have
			}
		}
	}
	ev.Indicators = append(ev.Indicators, inv.indicators...)
	if listErr != nil || (inv.readable == 0 && inv.sampled == 0) {
		// _all_dbs denied, or every database denied: names alone are not access.
		if ev.Service != nil && len(dbs.names) > 0 {
			ev.Service.Info = map[string]string{"databases_listed": strconv.Itoa(len(dbs.names))}
		}
		if listErr != nil {
			return listErr
		}
		if len(dbs.names) > 0 {
			return fmt.Errorf("_all_dbs lists %d databases but none is readable: %w", len(dbs.names), probe.ErrAuthRequired)
		}
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Access = inv.access(len(dbs.names))
	return nil
}

type dbList struct {
	names     []string
	truncated bool
}

func listDBs(ctx context.Context, c *httpx.Client, max int) (dbList, error) {
	r, err := c.Get(ctx, "/_all_dbs")
	if err != nil {
		return dbList{}, err
	}
	if r.Status < 200 || r.Status > 299 {
		return dbList{}, &httpx.StatusError{Path: "/_all_dbs", Status: r.Status}
	}
	names, err := parseAllDBs(r.Body)
	if err != nil {
		return dbList{}, err
	}
	l := dbList{names: names}
	if max > 0 && len(names) > max {
		l.names, l.truncated = names[:max], true
	}
	return l, nil
}

// dbPath returns /<db> with the name escaped ("/" in names becomes %2F, as CouchDB wants).
func dbPath(db string) string { return "/" + url.PathEscape(db) }
