package alert

import (
	"context"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
	"github.com/leakwatch/leakwatch/internal/store/pgtest"
)

// These tests drive the triggers with hand-built events recorded in a real
// store (the watch package's integration test uses a real redis-server).

type fixture struct {
	t  *testing.T
	st *store.Store
}

// onBothBackends runs fn as a "sqlite" and a "postgres" subtest; the
// fixture opens the matching store (PostgreSQL skips with the reason when
// no server is available).
func onBothBackends(t *testing.T, fn func(*testing.T)) {
	t.Run("sqlite", fn)
	t.Run("postgres", fn)
}

func newFixture(t *testing.T) *fixture {
	dsn := filepath.Join(t.TempDir(), "lw.db")
	if strings.HasSuffix(t.Name(), "/postgres") {
		dsn = pgtest.DSN(t)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fixture{t: t, st: st}
}

type container struct {
	name  string
	docs  int64
	types []string
}

// openEvent is an open redis at 127.77.46.40:6379 with the containers given.
func openEvent(sev event.Severity, cs ...container) *event.Event {
	ev := event.New("127.77.46.40", "127.77.46.40", 6379)
	ev.Service = &event.Service{Name: "redis", Product: "Redis"}
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessData, Proof: "GET returned a value"}
	ev.Dataset = &event.Dataset{}
	for _, c := range cs {
		ev.Dataset.Containers = append(ev.Dataset.Containers, event.Container{Kind: "keyspace", Name: c.name, Documents: event.Int64(c.docs)})
		for _, ty := range c.types {
			ev.Findings = append(ev.Findings, event.Finding{Container: c.name, Field: "v", Type: ty, Rule: ty,
				Confidence: "high", Count: 3, Documents: 3})
		}
	}
	ev.Dataset.ComputeTotals()
	if sev != "" {
		ev.Assessment = &event.Assessment{Severity: sev, Reasons: []string{"test"}}
	}
	return ev
}

// scan records one finished scan holding evs (nil: the port did not answer)
// and returns the alerts it raises, recorded like the watcher does.
func (f *fixture) scan(evs ...*event.Event) []store.Alert {
	f.t.Helper()
	ctx := context.Background()
	sc, err := f.st.OpenScan(ctx, store.NewScan{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, ev := range evs {
		ev.ScanID, ev.Time = sc.ID, time.Now().UTC()
		if _, err := f.st.RecordEvent(ctx, ev); err != nil {
			f.t.Fatal(err)
		}
	}
	all := func(netip.Addr, int) bool { return true }
	if err := f.st.FinishScan(ctx, sc.ID, store.Finish{Status: store.ScanDone, Covers: all}); err != nil {
		f.t.Fatal(err)
	}
	obs, alerts, err := Compute(ctx, f.st, sc.ID, Options{})
	if err != nil {
		f.t.Fatal(err)
	}
	stored, _, err := f.st.RecordAlerts(ctx, store.AlertBatch{ScanID: sc.ID, Observations: obs, Alerts: alerts,
		Channels: func(store.Alert) []string { return []string{"c"} }})
	if err != nil {
		f.t.Fatal(err)
	}
	// Computing again changes nothing.
	if again, done, err := f.st.RecordAlerts(ctx, store.AlertBatch{ScanID: sc.ID, Observations: obs, Alerts: alerts}); err != nil || !done || len(again) != 0 {
		f.t.Fatalf("recomputed: %d alerts, done=%v, %v", len(again), done, err)
	}
	time.Sleep(2 * time.Millisecond) // distinct scan start times
	return stored
}

func kinds(as []store.Alert) []string {
	var out []string
	for _, a := range as {
		k := a.Kind
		if a.Container != "" {
			k += ":" + a.Container
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expectKinds(t *testing.T, step string, as []store.Alert, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := kinds(as); !slices.Equal(got, want) {
		t.Errorf("%s: alerts %v, want %v", step, got, want)
	}
}

func TestTriggers(t *testing.T) { onBothBackends(t, testTriggers) }

func testTriggers(t *testing.T) {
	f := newFixture(t)
	expectKinds(t, "first sighting", f.scan(openEvent("", container{"db0", 1500, nil})), Opened)
	expectKinds(t, "same again", f.scan(openEvent("", container{"db0", 1510, nil})))
	expectKinds(t, "emails appear", f.scan(openEvent("", container{"db0", 1510, []string{"email"}}, container{"db1", 5, nil})), NewDataType+":db0")
	as := f.scan(openEvent("", container{"db0", 1510, []string{"email"}}, container{"db1", 5, []string{"password", "email"}}))
	// Assessed here (the events carry none): passwords grade it worse.
	expectKinds(t, "passwords appear", as, NewDataType+":db1", SeverityRaised)
	expectKinds(t, "wiped", f.scan(openEvent("", container{"db0", 12, []string{"email"}}, container{"db1", 5, []string{"password", "email"}})), Wiped)

	note := openEvent("", container{"db0", 12, []string{"email"}}, container{"db1", 5, []string{"password", "email"}})
	note.Indicators = append(note.Indicators, event.Indicator{Kind: "ransom-note", Container: "db0", Detail: "key READ_ME_TO_RECOVER"})
	expectKinds(t, "ransom note", f.scan(note), RansomNote+":db0")
	expectKinds(t, "note still there", f.scan(note))

	expectKinds(t, "gone", f.scan(), Closed)
	expectKinds(t, "still gone", f.scan())
	expectKinds(t, "back", f.scan(openEvent("", container{"db0", 3, nil})), Opened)
}

func TestSeverityRaisedAndSuppression(t *testing.T) {
	onBothBackends(t, testSeverityRaisedAndSuppression)
}

func testSeverityRaisedAndSuppression(t *testing.T) {
	f := newFixture(t)
	expectKinds(t, "first", f.scan(openEvent(event.SeverityLow, container{"db0", 10, nil})), Opened)
	as := f.scan(openEvent(event.SeverityHigh, container{"db0", 10, nil}))
	expectKinds(t, "raised", as, SeverityRaised)
	if len(as) == 1 && as[0].Severity != string(event.SeverityHigh) {
		t.Errorf("raised alert severity %q", as[0].Severity)
	}
	expectKinds(t, "lowered", f.scan(openEvent(event.SeverityMedium, container{"db0", 10, nil})))

	ctx := context.Background()
	if _, err := f.st.AddSuppression(ctx, store.Suppression{Host: "127.77.46.40", Port: 6379, Container: "db7",
		Until: time.Now().Add(time.Hour), Reason: "test data"}); err != nil {
		t.Fatal(err)
	}
	as = f.scan(openEvent(event.SeverityMedium, container{"db0", 10, []string{"email"}}, container{"db7", 10, []string{"phone"}}))
	expectKinds(t, "two containers, one suppressed", as, NewDataType+":db0", NewDataType+":db7")
	for _, a := range as {
		if (a.Container == "db7") != (a.SuppressedBy != 0) {
			t.Errorf("alert %s/%s suppressed by %d", a.Kind, a.Container, a.SuppressedBy)
		}
	}
	list, err := f.st.ListAlerts(ctx, store.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.SuppressedBy != 0 && len(a.Deliveries) != 0 {
			t.Errorf("suppressed alert %d queued for delivery", a.ID)
		}
		if a.SuppressedBy == 0 && len(a.Deliveries) != 1 {
			t.Errorf("alert %d has %d deliveries", a.ID, len(a.Deliveries))
		}
	}
	// A suppression of the whole address silences everything; an expired one nothing.
	id, err := f.st.AddSuppression(ctx, store.Suppression{Host: "127.77.46.40", Port: 6379, Until: time.Now().Add(time.Hour), Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	as = f.scan()
	if len(as) != 1 || as[0].SuppressedBy != id {
		t.Errorf("closed alert under an address-wide suppression: %+v", as)
	}
	if err := f.st.RemoveSuppression(ctx, id); err != nil {
		t.Fatal(err)
	}
	as = f.scan(openEvent(event.SeverityMedium, container{"db0", 10, nil}))
	if len(as) != 1 || as[0].SuppressedBy != 0 {
		t.Errorf("after removing the suppression: %+v", as)
	}
}

func TestPasses(t *testing.T) {
	for _, tc := range []struct {
		sev, min string
		want     bool
	}{{"critical", "high", true}, {"high", "high", true}, {"medium", "high", false}, {"", "low", false}, {"", "", true}, {"info", "", true}} {
		if got := Passes(tc.sev, tc.min); got != tc.want {
			t.Errorf("Passes(%q, %q) = %v", tc.sev, tc.min, got)
		}
	}
}
