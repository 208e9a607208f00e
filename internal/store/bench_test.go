package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
)

// BenchmarkRecordEvent measures one open service with 2 containers and a
// finding, recorded in its own transaction (the scan's write path).
//
//	go test -run '^$' -bench RecordEvent ./internal/store
func BenchmarkRecordEvent(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "lw.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
