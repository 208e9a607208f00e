package store

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

func sampleEvent(scanID, ip string, port int, name string, st event.Status) *event.Event {
	ev := event.New(ip, ip, port)
	ev.ScanID = scanID
	ev.Status = st
	if name != "" {
		ev.Service = &event.Service{Name: name, Product: strings.ToUpper(name), Version: "7.0.1"}
	}
	if st == event.StatusOpen {
		created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
		ev.Access = event.Access{Anonymous: true, Level: event.AccessData, Proof: "read 3 keys"}
		ev.Dataset = &event.Dataset{Containers: []event.Container{
			{Kind: "database", Name: "db0", Documents: event.Int64(1000), Bytes: event.Int64(4096), Created: &created,
				Samples: []event.Sample{{Key: "sms:1", Format: "text", Data: []byte("RAW-SECRET-VALUE +15550001111")}}, Sampled: 1},
			{Kind: "database", Name: "db1"},
		}}
		ev.Dataset.ComputeTotals()
		ev.Findings = []event.Finding{{Container: "db0", Field: "body", Type: "phone", Rule: "phone-e164",
			Confidence: "high", Count: 3, Documents: 1, Examples: []string{"+1555***1111"}}}
		ev.Assessment = &event.Assessment{Severity: event.SeverityHigh, Reasons: []string{"phone numbers"}}
	}
	return ev
}

func TestOpenTwiceAppliesMigrationsOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		path := b.dsn(t)
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		newest := ms[len(ms)-1].version
		for range 2 {
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.SchemaVersion(context.Background())
			if err != nil || v != newest {
				t.Fatalf("schema version %d, %v, want %d", v, err, newest)
			}
			s.Close()
		}
		if b.name != "sqlite" {
			return
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("database mode %v, %v", fi.Mode(), err)
		}
	})
}

func TestRecordEventStoresDetailsOnceWithoutSamples(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		sc, err := s.OpenScan(ctx, NewScan{Args: json.RawMessage(`{"targets":["127.77.1.1"]}`), Total: 6})
		if err != nil {
			t.Fatal(err)
		}
		ev := sampleEvent(sc.ID, "127.77.1.1", 6379, "redis", event.StatusOpen)
		for i, want := range []bool{true, false} {
			got, err := s.RecordEvent(ctx, ev)
			if err != nil || got != want {
				t.Fatalf("record #%d: inserted=%v err=%v, want %v", i, got, err, want)
			}
		}
		if _, err := s.RecordEvent(ctx, sampleEvent(sc.ID, "127.77.1.1", 9999, "", event.StatusNotIdentified)); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetScan(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Services != 2 || got.Identified != 1 || got.Exposed != 1 || got.Status != ScanRunning || got.Total != 6 {
			t.Fatalf("scan counts %+v", got)
		}
		var containers, findings int
		s.r.QueryRow(`SELECT count(*) FROM containers`).Scan(&containers)
		s.r.QueryRow(`SELECT count(*) FROM findings`).Scan(&findings)
		if containers != 2 || findings != 1 {
			t.Fatalf("containers %d findings %d", containers, findings)
		}
		var docs *int64
		var created *string
		s.r.QueryRow(`SELECT documents, created FROM containers WHERE name = 'db1'`).Scan(&docs, &created)
		if docs != nil || created != nil {
			t.Fatalf("unknown counts must stay NULL: %v %v", docs, created)
		}
		rows, err := s.ServicesOfScan(ctx, sc.ID)
		if err != nil || len(rows) != 2 {
			t.Fatalf("services %v %v", rows, err)
		}
		if r := rows[0]; r.Fingerprint != "127.77.1.1:6379/redis" || r.Event.Dataset.Totals.Documents != 1000 ||
			r.Event.Assessment.Severity != event.SeverityHigh {
			t.Fatalf("service row %+v", r)
		}
		s.Close()
		if b.name != "sqlite" {
			return // no file to read; the event column is checked above
		}
		raw, err := os.ReadFile(s.Path())
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(s.Path() + "-wal")
		if strings.Contains(string(raw)+string(wal), "RAW-SECRET-VALUE") {
			t.Fatal("a sampled value reached the database file")
		}
	})
}

func TestCheckpointAndFinish(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		sc, _ := s.OpenScan(ctx, NewScan{Total: 100})
		for _, i := range []uint64{10, 40, 20} {
			if err := s.Checkpoint(ctx, sc.ID, i); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.GetScan(ctx, sc.ID)
		if got.Checkpoint != 40 {
			t.Fatalf("checkpoint %d, want 40 (never backwards)", got.Checkpoint)
		}
		if err := s.FinishScan(ctx, sc.ID, Finish{Status: ScanInterrupted}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReopenScan(ctx, sc.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishScan(ctx, sc.ID, Finish{Status: ScanDone}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetScan(ctx, sc.ID)
		if got.Status != ScanDone || got.Checkpoint != 100 || got.Finished == nil {
			t.Fatalf("finished scan %+v", got)
		}
		if _, err := s.ReopenScan(ctx, sc.ID); err == nil {
			t.Fatal("a finished scan was reopened")
		}
		if _, err := s.GetScan(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing scan: %v", err)
		}
		list, err := s.ListScans(ctx, 0)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		ports, err := s.RecordedPorts(ctx, sc.ID)
		if err != nil || len(ports) != 0 {
			t.Fatalf("recorded ports %v %v", ports, err)
		}
	})
}

// TestExposureLifecycle follows one Redis through four scans: open, open
// again (last_seen moves), auth-required (closed), open again (reopened),
// then absent from a scan that covered it (closed).
func TestExposureLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		const fp = "127.77.1.1:6379/redis"
		scan := func(st event.Status, present bool) string {
			sc, err := s.OpenScan(ctx, NewScan{Total: 1})
			if err != nil {
				t.Fatal(err)
			}
			if present {
				if _, err := s.RecordEvent(ctx, sampleEvent(sc.ID, "127.77.1.1", 6379, "redis", st)); err != nil {
					t.Fatal(err)
				}
			}
			covers := func(ip netip.Addr, port int) bool { return ip == netip.MustParseAddr("127.77.1.1") && port == 6379 }
			if err := s.FinishScan(ctx, sc.ID, Finish{Status: ScanDone, Covers: covers}); err != nil {
				t.Fatal(err)
			}
			return sc.ID
		}
		first := scan(event.StatusOpen, true)
		e1, err := s.GetExposure(ctx, fp)
		if err != nil || !e1.Open || e1.FirstScanID != first || e1.Severity != "high" {
			t.Fatalf("after first scan: %+v %v", e1, err)
		}
		scan(event.StatusOpen, true)
		scan(event.StatusTimeout, true) // inconclusive: stays open, not closed as absent
		if e, _ := s.GetExposure(ctx, fp); !e.Open {
			t.Fatalf("a timeout closed the exposure: %+v", e)
		}
		e2, _ := s.GetExposure(ctx, fp)
		if !e2.LastSeen.After(e1.LastSeen) || !e2.FirstSeen.Equal(e1.FirstSeen) {
			t.Fatalf("second sighting did not move last_seen: %+v", e2)
		}
		scan(event.StatusAuthRequired, true)
		e3, _ := s.GetExposure(ctx, fp)
		if e3.Open || e3.ClosedAt == nil || e3.Status != "auth-required" {
			t.Fatalf("auth-required did not close: %+v", e3)
		}
		scan(event.StatusOpen, true)
		if e4, _ := s.GetExposure(ctx, fp); !e4.Open || e4.ClosedAt != nil {
			t.Fatalf("not reopened: %+v", e4)
		}
		scan("", false)
		e5, _ := s.GetExposure(ctx, fp)
		if e5.Open || e5.ClosedAt == nil {
			t.Fatalf("absent from a covering scan but still open: %+v", e5)
		}
		hist, err := s.ExposureHistory(ctx, fp)
		if err != nil || len(hist) != 5 {
			t.Fatalf("history %d sightings, %v", len(hist), err)
		}
		if hist[3].Status != "auth-required" || hist[2].Status != "timeout" || hist[0].Documents != 1000 {
			t.Fatalf("history %+v", hist)
		}
		svc, err := s.Service(ctx, e5.LastServiceID)
		if err != nil || svc.Event.Port != 6379 || svc.Fingerprint != fp {
			t.Fatalf("last service %+v %v", svc, err)
		}
		if _, err := s.Service(ctx, 999999); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing service: %v", err)
		}
		open, total, err := s.Exposures(ctx, ExposureFilter{OpenOnly: true}, Page{})
		if err != nil || total != 0 || len(open) != 0 {
			t.Fatalf("open exposures %v %d %v", open, total, err)
		}
		all, total, err := s.Exposures(ctx, ExposureFilter{MinSeverity: event.SeverityMedium, Service: "redis"}, Page{Limit: 1})
		if err != nil || total != 1 || len(all) != 1 {
			t.Fatalf("filtered exposures %v %d %v", all, total, err)
		}
		if _, _, err := s.Exposures(ctx, ExposureFilter{MinSeverity: "bogus"}, Page{}); err == nil {
			t.Fatal("unknown severity accepted")
		}
	})
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/x/data")
	if p, _ := DefaultPath(); p != "/x/data/leakwatch/leakwatch.db" {
		t.Fatal(p)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); p != "/home/u/.local/share/leakwatch/leakwatch.db" {
		t.Fatal(p)
	}
}

// TestOrphanedScan: a running scan of a live process cannot be resumed; one
// whose process is gone (killed) can.
func TestOrphanedScan(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		sc, err := s.OpenScan(ctx, NewScan{Total: 10})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetScan(ctx, sc.ID)
		if got.PID != os.Getpid() || got.Host == "" || got.Orphaned() {
			t.Fatalf("scan of this live process: %+v orphaned=%v", got, got.Orphaned())
		}
		if _, err := s.ReopenScan(ctx, sc.ID); err == nil || !strings.Contains(err.Error(), "still running") {
			t.Fatalf("reopened a scan whose process is alive: %v", err)
		}
		// A PID above the kernel's pid_max cannot exist.
		if _, err := s.w.Exec(`UPDATE scans SET pid = 99999999 WHERE id = ?`, sc.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetScan(ctx, sc.ID)
		if !got.Orphaned() {
			t.Fatalf("scan of a gone process not orphaned: %+v", got)
		}
		re, err := s.ReopenScan(ctx, sc.ID)
		if err != nil || re.PID != os.Getpid() {
			t.Fatalf("reopen: %+v %v", re, err)
		}
	})
}
