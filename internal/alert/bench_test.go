package alert

import (
	"context"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// BenchmarkComputeAndRecord500 measures the work done when a scan of 500
// open exposures (each with 5 containers and findings) finishes: computing
// the alerts against the previous scan and recording observations, alerts
// and outbox rows in one transaction. Half of the exposures change.
func BenchmarkComputeAndRecord500(b *testing.B) {
	const n = 500
	st, err := store.Open(context.Background(), b.TempDir()+"/lw.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	round := 0
	record := func() string {
		sc, err := st.OpenScan(ctx, store.NewScan{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			ip := fmt.Sprintf("127.77.%d.%d", 100+i/250, 1+i%250)
			ev := openEvent(event.SeverityMedium)
			ev.IP, ev.Target, ev.ScanID, ev.Time = ip, ip, sc.ID, time.Now().UTC()
			for c := range 5 {
				docs := int64(1000 + c)
				if i%2 == 0 {
					docs += int64(round * 500) // changes beyond the thresholds
				}
				ev.Dataset.Containers = append(ev.Dataset.Containers, event.Container{Kind: "database",
					Name: fmt.Sprintf("db%d", c), Documents: event.Int64(docs)})
				ev.Findings = append(ev.Findings, event.Finding{Container: fmt.Sprintf("db%d", c), Field: "f",
					Type: fmt.Sprintf("type%d", (c+round*(i%2))%7), Rule: "r", Confidence: "high", Count: 1, Documents: 1})
			}
			ev.Dataset.ComputeTotals()
			if _, err := st.RecordEvent(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
		all := func(netip.Addr, int) bool { return true }
		if err := st.FinishScan(ctx, sc.ID, store.Finish{Status: store.ScanDone, Covers: all}); err != nil {
			b.Fatal(err)
		}
		round++
		return sc.ID
	}
	alertScan := func(id string) int {
		obs, alerts, err := Compute(ctx, st, id, Options{})
		if err != nil {
			b.Fatal(err)
		}
		stored, _, err := st.RecordAlerts(ctx, store.AlertBatch{ScanID: id, Observations: obs, Alerts: alerts,
			Channels: func(store.Alert) []string { return []string{"hook", "mail"} }})
		if err != nil {
			b.Fatal(err)
		}
		return len(stored)
	}
	alertScan(record())
	alerts := 0
	for b.Loop() {
		b.StopTimer()
		id := record()
		b.StartTimer()
		alerts += alertScan(id)
	}
	b.ReportMetric(float64(alerts)/float64(b.N), "alerts/scan")
}
