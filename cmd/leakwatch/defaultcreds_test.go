package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/store"
)

// TestScanNoDefaultCredentials: the open (trust) PostgreSQL lab instance is
// open with data by default, and with --no-default-credentials reports no
// access at all (not-tested, exit 0); the flag is stored with the scan so
// --resume keeps it.
func TestScanNoDefaultCredentials(t *testing.T) {
	addr := labtest.Get(t, "PG_OPEN")
	scan := func(extra ...string) (event.Event, string) {
		t.Helper()
		db := filepath.Join(t.TempDir(), "lw.db")
		args := append([]string{"scan", addr, "--probes", "postgresql", "--json", "--db", db, "-q"}, extra...)
		stdout, stderr, code := runCLI(t, args...)
		evs := events(t, stdout)
		if len(evs) != 1 {
			t.Fatalf("%v: exit %d, %d events\n%s", extra, code, len(evs), stderr)
		}
		want := exitExposed
		if len(extra) > 0 {
			want = 0
		}
		if code != want {
			t.Errorf("%v: exit %d, want %d\n%s", extra, code, want, stderr)
		}
		return evs[0], db
	}

	ev, _ := scan()
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData ||
		ev.Service.Info["default_credentials"] != "postgres (trust, no password)" {
		t.Fatalf("default scan: status %s access %+v service %+v", ev.Status, ev.Access, ev.Service)
	}

	ev, db := scan("--no-default-credentials")
	if ev.Service == nil || ev.Service.Name != "postgresql" {
		t.Fatalf("not identified: %+v", ev.Service)
	}
	if ev.Status != event.StatusNotTested || ev.Access.Level != event.AccessNone || ev.Access.Anonymous ||
		ev.Dataset != nil || len(ev.Findings) != 0 || ev.Service.Info["default_credentials"] != "" {
		t.Errorf("with --no-default-credentials: status %s access %+v dataset %+v findings %d errors %v",
			ev.Status, ev.Access, ev.Dataset, len(ev.Findings), ev.Errors)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := st.GetScan(ctx, ev.ScanID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec.Args), `"no_default_credentials":true`) {
		t.Errorf("stored scan arguments lack the flag (--resume would drop it): %s", rec.Args)
	}
}
