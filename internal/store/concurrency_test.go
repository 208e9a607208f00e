package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
)

// TestConcurrentWritersAndReaders: goroutines recording into one Store
// while a second Store on the same file (another process, e.g. `leakwatch
// scans` during a scan) reads and writes: nothing fails with SQLITE_BUSY
// and nothing is lost.
func TestConcurrentWritersAndReaders(t *testing.T) {
	eachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		path := be.dsn(t)
		a, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		scA, _ := a.OpenScan(ctx, NewScan{Total: 400})
		scB, _ := b.OpenScan(ctx, NewScan{Total: 100})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := range 4 {
			wg.Go(func() {
				for i := range 100 {
					ev := sampleEvent(scA.ID, fmt.Sprintf("127.77.42.%d", w+1), 1000+i, "redis", event.StatusOpen)
					if _, err := a.RecordEvent(ctx, ev); err != nil {
						errs <- err
						return
					}
					if i%10 == 0 {
						if err := a.Checkpoint(ctx, scA.ID, uint64(w*100+i)); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Go(func() {
			for i := range 100 {
				if _, err := b.RecordEvent(ctx, sampleEvent(scB.ID, "127.77.43.1", 2000+i, "", event.StatusNotIdentified)); err != nil {
					errs <- err
					return
				}
				if _, err := b.ListScans(ctx, 10); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for id, want := range map[string]int{scA.ID: 400, scB.ID: 100} {
			sc, err := b.GetScan(ctx, id)
			if err != nil || sc.Services != want {
				t.Fatalf("scan %s: %+v %v, want %d services", id, sc, err, want)
			}
		}
		if _, total, _ := a.Exposures(ctx, ExposureFilter{OpenOnly: true}, Page{}); total != 400 {
			t.Fatalf("%d open exposures, want 400", total)
		}
	})
}
