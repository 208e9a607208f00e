package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store/pgtest"
)

// `--db postgres://…` records a scan in PostgreSQL, and scans/show read it
// back from there, as they do from a SQLite file.
func TestScanIntoPostgres(t *testing.T) {
	db := pgtest.DSN(t) // skips when no PostgreSQL can be started
	for i := 41; i <= 42; i++ {
		listenClose(t, fmt.Sprintf("127.77.43.%d:4312", i))
	}
	stdout, stderr, code := runCLI(t, "scan", "127.77.43.40/30", "--ports", "4312", "--json", "--db", db, "--timeout", "1s")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	evs := events(t, stdout)
	if len(evs) != 2 || evs[0].Status != event.StatusNotIdentified {
		t.Fatalf("%d events, want 2:\n%s", len(evs), stdout)
	}
	if !strings.Contains(stderr, "recording to postgres://") {
		t.Errorf("the scan should name the database it records to:\n%s", stderr)
	}
	out, _, code := runCLI(t, "scans", "--db", db)
	if code != 0 || !strings.Contains(out, evs[0].ScanID) || !strings.Contains(out, "done") {
		t.Errorf("scans (exit %d):\n%s", code, out)
	}
	out, _, code = runCLI(t, "show", evs[0].ScanID, "--json", "--db", db)
	if code != 0 || len(events(t, out)) != 2 {
		t.Errorf("show --json (exit %d):\n%s", code, out)
	}
	out, _, code = runCLI(t, "show", evs[0].ScanID, "--db", db)
	if code != 0 || !strings.Contains(out, "127.77.43.42:4312") {
		t.Errorf("show (exit %d):\n%s", code, out)
	}
	if _, stderr, code := runCLI(t, "scans", "--db", "postgres://nobody@127.77.50.1:1/none?connect_timeout=2"); code == 0 {
		t.Errorf("an unreachable PostgreSQL must fail the command: %s", stderr)
	}
}
