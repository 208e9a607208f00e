package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// TestQueriesAgreeAcrossBackends runs the web, history and alert queries
// on one scripted history and checks each answer, on every backend, so the
// rewritten SQL (placeholders, LIKE, limits, upserts) cannot drift apart.
func TestQueriesAgreeAcrossBackends(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		var scans []string
		for round := range 2 {
			sc, err := s.OpenScan(ctx, NewScan{Total: 3})
			if err != nil {
				t.Fatal(err)
			}
			scans = append(scans, sc.ID)
			evs := []*event.Event{
				sampleEvent(sc.ID, "127.77.44.1", 6379, "redis", event.StatusOpen),
				sampleEvent(sc.ID, "127.77.44.2", 9200, "elasticsearch", event.StatusOpen),
			}
			if round == 1 {
				evs[1] = sampleEvent(sc.ID, "127.77.44.2", 9200, "elasticsearch", event.StatusAuthRequired)
			}
			for _, ev := range evs {
				if ok, err := s.RecordEvent(ctx, ev); err != nil || !ok {
					t.Fatalf("record: %v %v", ok, err)
				}
				// a resumed scan records nothing twice
				if ok, err := s.RecordEvent(ctx, ev); err != nil || ok {
					t.Fatalf("record again: %v %v", ok, err)
				}
			}
			if err := s.Checkpoint(ctx, sc.ID, 3); err != nil {
				t.Fatal(err)
			}
			if err := s.FinishScan(ctx, sc.ID, Finish{Status: ScanDone}); err != nil {
				t.Fatal(err)
			}
		}

		check := func(what string, got, want any) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: got %v, want %v", what, got, want)
			}
		}
		fps := func(es []Exposure) string {
			var out []string
			for _, e := range es {
				out = append(out, e.Fingerprint)
			}
			return strings.Join(out, ",")
		}

		// Web list: states, case-insensitive search, data type, severity.
		for _, c := range []struct {
			f    WebFilter
			want string
		}{
			{WebFilter{}, "127.77.44.1:6379/redis,127.77.44.2:9200/elasticsearch"},
			{WebFilter{Status: StateOpen}, "127.77.44.1:6379/redis"},
			{WebFilter{Status: StateClosed}, "127.77.44.2:9200/elasticsearch"},
			{WebFilter{Status: StateNew}, ""},
			{WebFilter{Query: "ReDiS"}, "127.77.44.1:6379/redis"},
			{WebFilter{Query: "DB0"}, "127.77.44.1:6379/redis,127.77.44.2:9200/elasticsearch"},
			{WebFilter{Query: "50%_"}, ""},
			{WebFilter{DataType: "phone", Status: StateOpen}, "127.77.44.1:6379/redis"},
			{WebFilter{MinSeverity: event.SeverityHigh}, "127.77.44.1:6379/redis,127.77.44.2:9200/elasticsearch"},
			{WebFilter{Severity: event.SeverityCritical}, ""},
			{WebFilter{IP: "127.77.44.2"}, "127.77.44.2:9200/elasticsearch"},
		} {
			es, total, err := s.WebExposures(ctx, c.f, Page{Limit: 10})
			if err != nil {
				t.Fatalf("web %+v: %v", c.f, err)
			}
			check(fmt.Sprintf("web %+v", c.f), fps(es), c.want)
			check(fmt.Sprintf("web %+v total", c.f), total, len(es))
		}
		es, total, err := s.WebExposures(ctx, WebFilter{}, Page{Limit: 1, Offset: 1})
		if err != nil {
			t.Fatal(err)
		}
		check("web page 2", fps(es)+fmt.Sprint(total), "127.77.44.2:9200/elasticsearch2")
		es, _, err = s.Exposures(ctx, ExposureFilter{OpenOnly: true, MinSeverity: event.SeverityHigh}, Page{})
		if err != nil {
			t.Fatal(err)
		}
		check("exposures", fps(es), "127.77.44.1:6379/redis")

		o, err := s.WebOverview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check("overview", fmt.Sprint(o.Open, o.New, o.Closed, o.Scans), "1 0 1 2")
		series, err := s.ExposureSeries(ctx, 10)
		if err != nil || len(series) != 2 {
			t.Fatalf("series %+v %v", series, err)
		}
		types, err := s.DataTypes(ctx)
		check("data types", fmt.Sprint(types, err), "[phone] <nil>")
		names, err := s.ServiceNames(ctx)
		check("services", fmt.Sprint(names, err), "[elasticsearch redis] <nil>")
		svcs, n, err := s.ScanServices(ctx, scans[1], Page{Limit: 1, Offset: 1})
		if err != nil || n != 2 || len(svcs) != 1 {
			t.Fatalf("scan services %+v %d %v", svcs, n, err)
		}
		hist, err := s.ExposureHistory(ctx, "127.77.44.2:9200/elasticsearch")
		if err != nil || len(hist) != 2 {
			t.Fatalf("history %+v %v", hist, err)
		}
		done, err := s.FinishedScans(ctx, 0)
		check("finished scans", fmt.Sprint(len(done), err), "2 <nil>")

		// Alerts: once per scan, deduplicated, with an outbox and suppressions.
		obs, err := s.ScanObservations(ctx, scans[1])
		if err != nil || len(obs) != 2 {
			t.Fatalf("observations %+v %v", obs, err)
		}
		supID, err := s.AddSuppression(ctx, Suppression{Host: "127.77.44.1", Port: 6379, Reason: "known",
			Until: time.Now().Add(time.Hour)})
		if err != nil || supID == 0 {
			t.Fatalf("suppression %d %v", supID, err)
		}
		mk := func(kind, ip string, port int, svc string) Alert {
			fp := fmt.Sprintf("%s:%d/%s", ip, port, svc)
			return Alert{DedupeKey: kind + "|" + fp, ScanID: scans[1], PrevScanID: scans[0], Fingerprint: fp,
				IP: ip, Port: port, Service: svc, Kind: kind, Severity: "high", Title: kind + " " + fp}
		}
		batch := AlertBatch{ScanID: scans[1], Observations: obs,
			Alerts:   []Alert{mk("closed", "127.77.44.2", 9200, "elasticsearch"), mk("wiped", "127.77.44.1", 6379, "redis")},
			Channels: func(Alert) []string { return []string{"hook", "mail"} }}
		stored, already, err := s.RecordAlerts(ctx, batch)
		if err != nil || already || len(stored) != 2 || stored[0].ID == 0 || stored[1].SuppressedBy != supID {
			t.Fatalf("alerts %+v %v %v", stored, already, err)
		}
		if _, already, err := s.RecordAlerts(ctx, batch); err != nil || !already {
			t.Fatalf("alerts again: %v %v", already, err)
		}
		if ok, err := s.AlertsComputed(ctx, scans[1]); err != nil || !ok {
			t.Fatalf("computed %v %v", ok, err)
		}
		list, err := s.ListAlerts(ctx, AlertFilter{ScanID: scans[1]})
		if err != nil || len(list) != 2 || len(list[1].Deliveries) != 2 || len(list[0].Deliveries) != 0 {
			t.Fatalf("list %+v %v", list, err)
		}
		due, err := s.DueDeliveries(ctx, time.Now().Add(time.Second), []string{"hook"}, 0)
		if err != nil || len(due) != 1 || due[0].Alert.Kind != "closed" {
			t.Fatalf("due %+v %v", due, err)
		}
		later := time.Now().Add(time.Hour)
		if err := s.DeliveryFailed(ctx, due[0].Alert.ID, "hook", "503", later); err != nil {
			t.Fatal(err)
		}
		if err := s.DeliveryDone(ctx, due[0].Alert.ID, "mail"); err != nil {
			t.Fatal(err)
		}
		next, err := s.NextDeliveryDue(ctx)
		if err != nil || next == nil || next.Sub(later).Abs() > time.Millisecond {
			t.Fatalf("next due %v %v", next, err)
		}
		sups, err := s.Suppressions(ctx, true)
		check("suppressions", fmt.Sprint(len(sups), err), "1 <nil>")
		if err := s.RemoveSuppression(ctx, supID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveSuppression(ctx, supID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("remove twice: %v", err)
		}
	})
}
