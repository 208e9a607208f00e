package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// BenchmarkRecordEvent measures one open service with 2 containers and a
// finding, recorded in its own transaction (the scan's write path).
//
//	go test -run '^$' -bench RecordEvent ./internal/store
func BenchmarkRecordEvent(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchRecordEvent(b, be) })
	}
}

func benchRecordEvent(b *testing.B, be backend) {
	ctx := context.Background()
	s := be.open(b)
	sc, _ := s.OpenScan(ctx, NewScan{})
	i := 0
	for b.Loop() {
		ev := sampleEvent(sc.ID, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), 6379, "redis", event.StatusOpen)
		if _, err := s.RecordEvent(ctx, ev); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRecordAlerts500 measures RecordAlerts for a finished scan of 500
// exposures: 500 observations, 500 alerts and 1000 outbox rows in one
// transaction (the alert recording of a watch round).
//
//	go test -run '^$' -bench RecordAlerts ./internal/store
func BenchmarkRecordAlerts500(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchRecordAlerts(b, be) })
	}
}

func benchRecordAlerts(b *testing.B, be backend) {
	const n = 500
	ctx := context.Background()
	s := be.open(b)
	channels := func(Alert) []string { return []string{"hook", "mail"} }
	for b.Loop() {
		b.StopTimer()
		sc, err := s.OpenScan(ctx, NewScan{})
		if err != nil {
			b.Fatal(err)
		}
		batch := AlertBatch{ScanID: sc.ID, Channels: channels}
		for i := range n {
			fp := fmt.Sprintf("127.77.%d.%d:6379/redis", 100+i/250, 1+i%250)
			batch.Observations = append(batch.Observations, Observation{ScanID: sc.ID, Fingerprint: fp,
				Time: time.Now(), Open: true, Severity: "high", Containers: 5, Documents: 1000})
			batch.Alerts = append(batch.Alerts, Alert{DedupeKey: "opened|" + fp + "|" + sc.ID, ScanID: sc.ID,
				Fingerprint: fp, IP: fp[:len(fp)-11], Port: 6379, Service: "redis", Kind: "opened",
				Severity: "high", Title: "opened " + fp})
		}
		b.StartTimer()
		if stored, done, err := s.RecordAlerts(ctx, batch); err != nil || done || len(stored) != n {
			b.Fatalf("%d stored, done %v: %v", len(stored), done, err)
		}
	}
}
