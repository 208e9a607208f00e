package mysql

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
	return probetest.Explore(t, New(), testEnv(), addr, "MySQL")
}

func find(ds *event.Dataset, kind, parent, name string) *event.Container {
	for i, c := range ds.Containers {
		if c.Kind == kind && c.Name == name && c.Parent == parent {
			return &ds.Containers[i]
		}
	}
	return nil
}

func TestOpenServer(t *testing.T) {
	addr := labtest.Get(t, "MYSQL_OPEN")
	logFile := labtest.Get(t, "MYSQL_OPEN_LOG")
	before := checksums(t, addr)
	offset := probetest.FileSize(t, logFile)
	start := time.Now()

	ev, svc := explore(t, addr)
	if svc.Product != "MariaDB" || !strings.HasPrefix(svc.Version, "10.") {
		t.Errorf("service %+v", svc)
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
	if find(ev.Dataset, "database", "", "smsgw") == nil || find(ev.Dataset, "database", "", "mysql") != nil {
		t.Fatalf("schemas %+v", ev.Dataset.Containers)
	}
	want := map[[2]string]int64{
		{"smsgw", "sms_logs"}:  probetest.LabInt(t, "MYSQL_SMS"),
		{"smsgw", "customers"}: probetest.LabInt(t, "MYSQL_CUSTOMERS"),
		{"smsgw", "config"}:    probetest.LabInt(t, "MYSQL_CONFIG"),
		{"crm", "Lead `List`"}: probetest.LabInt(t, "MYSQL_LEADS"), // needs identifier quoting
	}
	for k, n := range want {
		c := find(ev.Dataset, "table", k[0], k[1])
		if c == nil {
			t.Errorf("table %v missing", k)
			continue
		}
		if c.Documents == nil || *c.Documents != n {
			t.Errorf("%v: documents %v, want %d", k, c.Documents, n)
		}
		if c.Bytes == nil || *c.Bytes <= 0 {
			t.Errorf("%v: bytes %v", k, c.Bytes)
		}
		// Created is converted from the server's zone to UTC: the lab
		// seeded the tables minutes (at most hours) before the test.
		if c.Created == nil || c.Created.After(start.Add(time.Minute)) || c.Created.Before(start.Add(-48*time.Hour)) {
			t.Errorf("%v: created %v", k, c.Created)
		}
		if c.Sampled != int(min(n, 3)) || len(c.Samples) != c.Sampled {
			t.Errorf("%v: sampled %d", k, c.Sampled)
		}
		for _, s := range c.Samples {
			if !json.Valid(s.Data) {
				t.Errorf("%v: sample is not JSON: %s", k, s.Data)
			}
		}
	}
	sms := find(ev.Dataset, "table", "smsgw", "sms_logs")
	if sms == nil {
		t.FailNow()
	}
	if strings.Join(sms.Fields, ",") != "id,sent_at,phone,body,status" {
		t.Errorf("fields %v", sms.Fields)
	}
	if s := string(sms.Samples[0].Data); !strings.Contains(s, `"id":1,`) || !strings.Contains(s, `"phone":"+1555`) || !strings.Contains(s, "Your code is") {
		t.Errorf("sample %s", s)
	}
	cust := find(ev.Dataset, "table", "smsgw", "customers")
	if s := string(cust.Samples[0].Data); !strings.Contains(s, `"legacy_card_number":"4111111111111111"`) || !strings.Contains(s, `"avatar":null`) || !strings.Contains(s, `"balance":1.50`) {
		t.Errorf("sample %s", s)
	}
	if ev.Dataset.Truncated || len(ev.Errors) > 0 {
		t.Errorf("truncated %v errors %v", ev.Dataset.Truncated, ev.Errors)
	}

	// Read-only proof from the general query log.
	statements := loggedQueries(t, logFile, offset)
	if len(statements) < 10 {
		t.Fatalf("only %d statements logged: %v", len(statements), statements)
	}
	for _, st := range statements {
		switch strings.ToUpper(strings.Fields(st)[0]) {
		case "SELECT", "SET", "SHOW", "ROLLBACK":
		case "START":
			if st != sqlReadOnly {
				t.Errorf("statement %q", st)
			}
		default:
			t.Errorf("non-read statement logged: %s", st)
		}
	}
	if after := checksums(t, addr); after != before {
		t.Errorf("content changed: %s -> %s", before, after)
	}
}

func TestAuthServer(t *testing.T) {
	ev, svc := explore(t, labtest.Get(t, "MYSQL_AUTH"))
	if svc.Product != "MariaDB" {
		t.Errorf("service %+v", svc)
	}
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	t.Logf("auth-required: %v", ev.Errors)
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("auth server reported access %+v dataset %+v", ev.Access, ev.Dataset)
	}
	if len(ev.Errors) != 1 || !strings.Contains(ev.Errors[0], "1045") {
		t.Errorf("errors %v", ev.Errors)
	}
}

func TestOddPort(t *testing.T) {
	ev, _ := explore(t, labtest.Get(t, "MYSQL_ODD"))
	if ev.Status != event.StatusOpen || find(ev.Dataset, "table", "smsgw", "sms_logs") == nil {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestNotOtherServices: the probe must not claim PostgreSQL or MongoDB servers.
func TestNotOtherServices(t *testing.T) {
	for _, key := range []string{"PG_OPEN", "PG_ODD", "MONGO_OPEN", "MONGO_ODD"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel() // each waits greetingWait for a greeting that never comes
			tg := probetest.Target(t, labtest.Get(t, key))
			env := testEnv()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if svc, _ := New().Identify(ctx, env, tg); svc != nil {
				t.Fatalf("identified %s as %+v", key, svc)
			}
		})
	}
}

// checksums asks the server for CHECKSUM TABLE of the seeded tables.
func checksums(t *testing.T, addr string) string {
	t.Helper()
	c, err := handshake(context.Background(), testEnv(), probetest.Target(t, addr), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if err := c.login(); err != nil {
		t.Fatal(err)
	}
	r, err := c.query("CHECKSUM TABLE smsgw.sms_logs, smsgw.customers, smsgw.config, crm.`Lead ``List```", 10)
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, row := range r.rows {
		sums = append(sums, string(row[0])+"="+string(row[1]))
	}
	return strings.Join(sums, ",")
}

// loggedQueries returns the Query lines of the general log after offset,
// except the test's own CHECKSUM TABLE.
func loggedQueries(t *testing.T, name string, offset int64) []string {
	var out []string
	for _, line := range probetest.LogLines(t, name, offset) {
		_, q, ok := strings.Cut(line, " Query\t")
		if ok && !strings.HasPrefix(q, "CHECKSUM TABLE") {
			out = append(out, q)
		}
	}
	return out
}

// TestSamplesCut: with a tiny MaxSampleBytes every sample is cut and marked text.
func TestSamplesCut(t *testing.T) {
	probetest.SamplesCut(t, New(), testEnv(), probetest.Target(t, labtest.Get(t, "MYSQL_OPEN")), 16)
}
