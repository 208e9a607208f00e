package store

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// historyScan records one finished scan that saw redis at 127.77.46.80
// with db0 holding docs documents (docs < 0: the port was closed).
func historyScan(t *testing.T, s *Store, docs int64) string {
	t.Helper()
	ctx := context.Background()
	sc, err := s.OpenScan(ctx, NewScan{})
	if err != nil {
		t.Fatal(err)
	}
	if docs >= 0 {
		ev := event.New("127.77.46.80", "127.77.46.80", 6379)
		ev.ScanID, ev.Status = sc.ID, event.StatusOpen
		ev.Service = &event.Service{Name: "redis"}
		ev.Dataset = &event.Dataset{Containers: []event.Container{{Kind: "database", Name: "db0", Documents: event.Int64(docs)}}}
		ev.Dataset.ComputeTotals()
		if _, err := s.RecordEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	all := func(netip.Addr, int) bool { return true }
	if err := s.FinishScan(ctx, sc.ID, Finish{Status: ScanDone, Covers: all}); err != nil {
		t.Fatal(err)
	}
	obs, err := s.ScanObservations(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecordAlerts(ctx, AlertBatch{ScanID: sc.ID, Observations: obs}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	return sc.ID
}

func TestObservationsAndContainerHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		s := be.open(t)
		ctx := context.Background()
		const fp = "127.77.46.80:6379/redis"
		a := historyScan(t, s, 100)
		b := historyScan(t, s, 250)
		c := historyScan(t, s, -1)
		d := historyScan(t, s, 7)

		obs, err := s.ObservationsOf(ctx, fp)
		if err != nil || len(obs) != 4 {
			t.Fatalf("observations %+v, %v", obs, err)
		}
		wantOpen := []bool{true, true, false, true}
		wantDocs := []int64{100, 250, 0, 7}
		for i, o := range obs {
			if o.Open != wantOpen[i] || o.Documents != wantDocs[i] || (o.ServiceID != 0) != wantOpen[i] {
				t.Errorf("observation %d: %+v", i, o)
			}
		}
		prev, err := s.PreviousObservation(ctx, fp, d)
		if err != nil || prev == nil || prev.ScanID != c || prev.Open {
			t.Errorf("previous of the last scan: %+v, %v (want closed in %s)", prev, err, c)
		}
		if prev, err := s.PreviousObservation(ctx, fp, a); err != nil || prev != nil {
			t.Errorf("previous of the first scan: %+v, %v", prev, err)
		}
		hist, err := s.ContainerHistory(ctx, fp)
		if err != nil || len(hist) != 3 {
			t.Fatalf("container history %+v, %v", hist, err)
		}
		if hist[0].ScanID != a || *hist[0].Documents != 100 || hist[1].ScanID != b || *hist[2].Documents != 7 {
			t.Errorf("container history %+v", hist)
		}
		ids, err := s.FinishedScans(ctx, 2)
		if err != nil || len(ids) != 2 || ids[0] != d || ids[1] != c {
			t.Errorf("finished scans %v, %v", ids, err)
		}
	})
}

func TestWatchGroupsPersist(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		if err := s.SaveWatchGroup(ctx, "dmz", json.RawMessage(`{"name":"dmz"}`), time.Hour); err != nil {
			t.Fatal(err)
		}
		g, err := s.GetWatchGroup(ctx, "dmz")
		if err != nil || g.LastRun != nil || !g.NextRun().IsZero() {
			t.Fatalf("new group %+v, %v", g, err)
		}
		start := time.Now().UTC().Truncate(time.Millisecond)
		if err := s.WatchGroupRan(ctx, "dmz", start, "scan-1", ScanDone, ""); err != nil {
			t.Fatal(err)
		}
		// Saving the configuration again keeps the last run.
		if err := s.SaveWatchGroup(ctx, "dmz", json.RawMessage(`{"name":"dmz","every":"2h"}`), 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		g, err = s.GetWatchGroup(ctx, "dmz")
		if err != nil || g.LastRun == nil || !g.LastRun.Equal(start) || g.LastScanID != "scan-1" || g.Every != 2*time.Hour ||
			!g.NextRun().Equal(start.Add(2*time.Hour)) {
			t.Fatalf("group after a run %+v, %v", g, err)
		}
		if _, err := s.GetWatchGroup(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing group: %v", err)
		}
	})
}
