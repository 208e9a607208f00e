package postgres

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func testEnv() *probe.Env { return probetest.Env(3) }

func explore(t *testing.T, addr string) (*event.Event, *event.Service) {
	t.Helper()
	return probetest.Explore(t, New(), testEnv(), addr, "PostgreSQL")
}

func find(ds *event.Dataset, kind, name string) *event.Container {
	for i, c := range ds.Containers {
		if c.Kind == kind && c.Name == name && (kind == "database" || c.Parent == "smsgw") {
			return &ds.Containers[i]
		}
	}
	return nil
}

func TestOpenServer(t *testing.T) {
	addr := labtest.Get(t, "PG_OPEN")
	logFile := labtest.Get(t, "PG_OPEN_LOG")
	before := checksums(t, addr)
	offset := probetest.FileSize(t, logFile)

	ev, svc := explore(t, addr)
	if !strings.Contains(svc.Info["auth"], "trust") {
		t.Errorf("identify info %v", svc.Info)
	}
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	t.Logf("proof: %s (%d ms)", ev.Access.Proof, ev.DurationMS)
	if b, err := json.Marshal(ev); err != nil || docs.ValidateEvent(b) != nil {
		t.Errorf("event does not match the schema: %v %v", err, docs.ValidateEvent(b))
	}
	if !strings.Contains(ev.Access.Proof, "smsgw") || !strings.Contains(ev.Access.Proof, "rows") {
		t.Errorf("proof %q", ev.Access.Proof)
	}
	if !strings.HasPrefix(ev.Service.Version, "15.") {
		t.Errorf("version %q", ev.Service.Version)
	}
	if find(ev.Dataset, "database", "smsgw") == nil {
		t.Fatalf("no database smsgw in %+v", ev.Dataset.Containers)
	}
	want := map[string]int64{
		"public.sms_logs":     probetest.LabInt(t, "PG_SMS"),
		"public.customers":    probetest.LabInt(t, "PG_CUSTOMERS"),
		"public.config":       probetest.LabInt(t, "PG_CONFIG"),
		`billing.Audit "Log"`: probetest.LabInt(t, "PG_AUDIT"), // needs identifier quoting
	}
	for name, n := range want {
		c := find(ev.Dataset, "table", name)
		if c == nil {
			t.Errorf("table %s missing", name)
			continue
		}
		if c.Documents == nil || *c.Documents != n {
			t.Errorf("%s: documents %v, want %d", name, c.Documents, n)
		}
		if c.Bytes == nil || *c.Bytes <= 0 {
			t.Errorf("%s: bytes %v", name, c.Bytes)
		}
		if c.Sampled != int(min(n, 3)) || len(c.Samples) != c.Sampled {
			t.Errorf("%s: sampled %d (%d samples)", name, c.Sampled, len(c.Samples))
		}
	}
	sms := find(ev.Dataset, "table", "public.sms_logs")
	if sms == nil {
		t.FailNow()
	}
	if strings.Join(sms.Fields, ",") != "id,sent_at,phone,body,status" {
		t.Errorf("fields %v", sms.Fields)
	}
	s := string(sms.Samples[0].Data)
	if sms.Samples[0].Format != "json" || !strings.Contains(s, `"phone":"+1555`) || !strings.Contains(s, "Your code is") {
		t.Errorf("sample %s", s)
	}
	if ev.Dataset.Truncated || len(ev.Errors) > 0 {
		t.Errorf("truncated %v errors %v", ev.Dataset.Truncated, ev.Errors)
	}

	// Read-only proof: every statement leakwatch sent is a read, and the
	// content is unchanged.
	statements := loggedStatements(t, logFile, offset)
	if len(statements) < 10 {
		t.Fatalf("only %d statements logged: %v", len(statements), statements)
	}
	for _, st := range statements {
		verb := strings.ToUpper(strings.Fields(st)[0])
		switch verb {
		case "SELECT", "SET", "SHOW", "BEGIN", "ROLLBACK":
		default:
			t.Errorf("non-read statement logged: %s", st)
		}
	}
	if after := checksums(t, addr); after != before {
		t.Errorf("content changed: %s -> %s", before, after)
	}
}

func TestAuthServer(t *testing.T) {
	addr := labtest.Get(t, "PG_AUTH")
	ev, svc := explore(t, addr)
	if !strings.Contains(svc.Info["auth"], "SASL") {
		t.Errorf("identify info %v", svc.Info)
	}
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	t.Logf("auth-required: %v", ev.Errors)
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("auth server reported access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}

func TestOddPort(t *testing.T) {
	addr := labtest.Get(t, "PG_ODD")
	ev, _ := explore(t, addr)
	if ev.Status != event.StatusOpen || find(ev.Dataset, "table", "public.sms_logs") == nil {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestNotOtherServices: the probe must not claim MySQL or MongoDB servers.
func TestNotOtherServices(t *testing.T) {
	for _, key := range []string{"MYSQL_OPEN", "MYSQL_ODD", "MONGO_OPEN", "MONGO_ODD"} {
		t.Run(key, func(t *testing.T) {
			tg := probetest.Target(t, labtest.Get(t, key))
			env := testEnv()
			env.Limits.ReadTimeout = 2 * time.Second
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			env.Budget = nil
			svc, _ := New().Identify(ctx, env, tg)
			if svc != nil {
				t.Fatalf("identified %s as %+v", key, svc)
			}
		})
	}
}

// checksums hashes the seeded tables' content through a trust session.
func checksums(t *testing.T, addr string) string {
	t.Helper()
	c, err := connect(context.Background(), testEnv(), probetest.Target(t, addr), "postgres", "smsgw")
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var sums []string
	for _, tbl := range []string{"sms_logs", "customers", "config", `billing."Audit ""Log"""`} {
		r, err := c.query("SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM "+tbl+" t", 1)
		if err != nil || len(r.rows) != 1 || r.rows[0][0] == nil {
			t.Fatalf("checksum %s: %v", tbl, err)
		}
		sums = append(sums, *r.rows[0][0])
	}
	return strings.Join(sums, ",")
}

// loggedStatements returns the statements logged after offset by sessions
// with application_name leakwatch (log_line_prefix "... app=%a db=%d ").
func loggedStatements(t *testing.T, name string, offset int64) []string {
	var out []string
	for _, line := range probetest.LogLines(t, name, offset) {
		if !strings.Contains(line, " app=leakwatch ") {
			continue
		}
		if _, st, ok := strings.Cut(line, "LOG:  statement: "); ok {
			out = append(out, st)
		}
	}
	return out
}

// TestSamplesCut: with a tiny MaxSampleBytes every sample is cut and marked text.
func TestSamplesCut(t *testing.T) {
	probetest.SamplesCut(t, New(), testEnv(), probetest.Target(t, labtest.Get(t, "PG_OPEN")), 16)
}
