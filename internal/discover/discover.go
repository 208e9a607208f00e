// Package discover finds open TCP ports with plain connect() calls (no raw
// packets, no privileges): bounded concurrency, a global rate limit on
// connection attempts, a per-host concurrency limit and a connect timeout.
// Open ports are reported as they are found.
package discover

import (
	"context"
	"iter"
	"time"

	"github.com/leakwatch/leakwatch/internal/scope"
)

// Config controls Scan. Zero fields take the defaults noted.
type Config struct {
	Rate        int           // connection attempts per second, all hosts together (0: 10,000)
	Concurrency int           // connection attempts in flight (0: 1,024)
	PerHost     int           // attempts in flight per address (0: 32)
	Timeout     time.Duration // connect timeout (0: 2 s)
	Retries     int           // extra attempts after a timeout (0: none); refusals are final
}

// Stats summarises a scan.
type Stats struct {
	Attempts uint64        // connect() calls made, retries included
	Open     uint64        // open ports reported to found
	Errors   uint64        // pairs that ended in a local or unexpected error (not "closed")
	Elapsed  time.Duration // wall time of Scan
	// Done is the lowest permutation index not yet completed: every item
	// with a smaller index has been fully probed. Resume with
	// scope.Items(Done) to lose nothing (a few items may be probed twice).
	Done uint64
}

// Scan probes every item and calls found (from any goroutine, but never
// concurrently) for each open port. It returns when items are exhausted or
// ctx is done (then with ctx.Err()). Items must come in increasing index
// order, as scope.Items yields them.
func Scan(ctx context.Context, cfg Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (Stats, error) {
	return scan(ctx, cfg.withDefaults(), items, found)
}
