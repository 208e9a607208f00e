// Package discover finds open TCP ports with plain connect() calls (no raw
// packets, no privileges): bounded concurrency, a global rate limit on
// connection attempts, a per-host concurrency limit and a connect timeout.
// Open ports are reported as they are found.
package discover

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/leakwatch/leakwatch/internal/scope"
)

// Config controls Scan. Zero fields take the defaults noted.
type Config struct {
	Rate        int           // connection attempts per second, all hosts together (0: 10,000; <0: unlimited)
	Concurrency int           // connection attempts in flight (0: 2,048)
	PerHost     int           // attempts in flight per address (0: 32)
	Timeout     time.Duration // connect timeout (0: 2 s)
	Retries     int           // extra attempts after a timeout (0: none); refusals are final
	Engine      Engine        // how connections are made (0: EngineAuto)
	// Progress, if set, is called about every ProgressEvery (0: 1 s) with
	// the stats so far (Elapsed and Done included), from the scanning
	// goroutine and never concurrently with found: save Done there to resume.
	Progress      func(Stats)
	ProgressEvery time.Duration
}

// Engine selects the connect implementation.
type Engine int

const (
	// EngineAuto is EngineEpoll where available (Linux), else EngineDialer.
	EngineAuto Engine = iota
	// EngineEpoll drives nonblocking sockets from one epoll loop (Linux).
	EngineEpoll
	// EngineDialer runs a goroutine with net.Dialer per attempt (portable).
	EngineDialer
)

// Defaults for zero Config fields.
const (
	DefaultRate        = 10000
	DefaultConcurrency = 2048
	DefaultPerHost     = 32
	DefaultTimeout     = 2 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.PerHost <= 0 {
		c.PerHost = DefaultPerHost
	}
	if c.PerHost > c.Concurrency {
		c.PerHost = c.Concurrency
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = time.Second
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	return c
}

// Stats summarises a scan.
type Stats struct {
	Attempts uint64        // connect() calls made, retries included
	Open     uint64        // open ports reported to found
	Closed   uint64        // pairs refused (RST): the port is closed
	TimedOut uint64        // pairs with no answer after all retries (filtered or down)
	Errors   uint64        // pairs that ended in an unexpected error (unreachable, ...): never "closed"
	Retried  uint64        // attempts repeated after a timeout or a local resource error
	Elapsed  time.Duration // wall time of Scan
	// Done is the lowest permutation index not yet completed: every item
	// with a smaller index has been fully probed. Resume with
	// scope.Items(Done) to lose nothing (a few items may be probed twice).
	// If no item was pulled at all, Done is 0: keep the previous checkpoint.
	Done uint64
}

// Scan probes every item and calls found (from any goroutine, but never
// concurrently) for each open port. It returns when items are exhausted or
// ctx is done (then with ctx.Err()). Items must come in increasing index
// order, as scope.Items yields them.
func Scan(ctx context.Context, cfg Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (Stats, error) {
	cfg = cfg.withDefaults()
	if found == nil {
		found = func(scope.Item) {}
	}
	if cfg.Engine == EngineDialer || (cfg.Engine == EngineAuto && !haveEpoll) {
		return scanDialer(ctx, cfg, items, found)
	}
	if !haveEpoll {
		return Stats{}, errors.New("discover: the epoll engine needs Linux")
	}
	return scanEpoll(ctx, cfg, items, found)
}
