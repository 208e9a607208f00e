package store

import (
	"context"
	"fmt"
	"testing"

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
