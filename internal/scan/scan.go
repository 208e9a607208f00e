// Package scan is leakwatch's pipeline: scope items → port discovery → for
// every open port, identification (probe.Identify order: port owners first)
// → exploration by the probe that recognised the service → stages
// (classification, assessment, plugged in by the caller) → sinks (store,
// JSON Lines, terminal).
//
// The pipeline imports no later stage: a Stage is a plain function the CLI
// passes in. Work is bounded everywhere: discovery by its own rate and
// concurrency limits, identification and exploration by worker pools, and
// samples are dropped from memory as soon as the stages ran.
//
// Crash safety: the checkpoint is the index below which every item is
// finished: discovery's watermark (every item below it was probed), held
// back by the lowest open port still in the pipeline. It only moves after
// the events below it reached the sinks, and Config.Checkpoint persists it.
// A resumed scan starts at the checkpoint and skips the ports already
// recorded.
package scan

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/scope"
)

// Stage enriches an event after exploration (classify, assess). It runs in
// an explore worker, may read ev's in-memory samples, and must return when
// ctx ends. Stages run in the order given.
type Stage func(ctx context.Context, ev *event.Event)

// Sink receives every finished event, one at a time from one goroutine,
// after samples were dropped. An error stops the scan (a store that cannot
// write must not silently lose findings).
type Sink interface {
	Event(ctx context.Context, ev *event.Event) error
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, ev *event.Event) error

// Event calls f.
func (f SinkFunc) Event(ctx context.Context, ev *event.Event) error { return f(ctx, ev) }

// Items yields (permutation index, item) from index start on, in increasing
// index order, as (*scope.Scope).Items does.
type Items func(start uint64) iter.Seq2[uint64, scope.Item]

// DiscoverFunc finds the open ports among items (discover.Scan).
type DiscoverFunc func(ctx context.Context, cfg discover.Config, items iter.Seq2[uint64, scope.Item], found func(scope.Item)) (discover.Stats, error)

// Config is one scan's setup. Zero fields take the defaults noted.
type Config struct {
	ScanID string
	Items  Items
	Total  uint64 // number of items (scope.Len())
	Start  uint64 // first index: 0, or the checkpoint of a resumed scan
	// Skip lists the ports a resumed scan already recorded.
	Skip map[netip.AddrPort]bool

	Discover     discover.Config
	DiscoverFunc DiscoverFunc // nil: discover.Scan
	// CheckpointEvery is how often discovery reports its progress, which
	// moves the checkpoint (0: 1 s).
	CheckpointEvery time.Duration

	Probes []probe.Probe
	Limits probe.Limits
	// IdentifyPortTimeout bounds identification of one port across all
	// probes (0: 30 s): a tarpit must not hold a worker for probes × timeout.
	IdentifyPortTimeout time.Duration
	IdentifyWorkers     int // ports identified at once (0: 64)
	ExploreWorkers      int // services explored at once (0: 16)
	// InScope is passed to probes (probe.Env.InScope); nil = only the target.
	InScope func(netip.Addr, int) bool
	Dialer  func(ctx context.Context, network, addr string) (net.Conn, error)

	Stages []Stage
	Sinks  []Sink
	// Checkpoint persists the checkpoint; called after the events below it
	// reached the sinks, from any goroutine but one at a time, with increasing values.
	Checkpoint func(ctx context.Context, index uint64) error

	// Counters, if set, is updated live (for progress displays).
	Counters *Counters
}

// Counters are live figures of a running scan.
type Counters struct {
	Pulled     atomic.Uint64 // items handed to discovery
	Open       atomic.Uint64 // open ports found (skipped ones excluded)
	Identified atomic.Uint64 // open ports a probe recognised
	Exposed    atomic.Uint64 // services with status open
	Events     atomic.Uint64 // events delivered to the sinks
	Checkpoint atomic.Uint64
}

// Stats summarise a finished (or stopped) scan.
type Stats struct {
	Total      uint64
	Pulled     uint64
	Open       uint64
	Identified uint64
	Exposed    uint64
	Events     uint64
	Skipped    uint64 // open ports already recorded by the interrupted run
	Checkpoint uint64
	Attempts   uint64 // connect() calls made by discovery
	Elapsed    time.Duration
}

func (c Config) withDefaults() Config {
	if c.DiscoverFunc == nil {
		c.DiscoverFunc = discover.Scan
	}
	if c.CheckpointEvery <= 0 {
		c.CheckpointEvery = time.Second
	}
	if c.IdentifyPortTimeout <= 0 {
		c.IdentifyPortTimeout = 30 * time.Second
	}
	if c.IdentifyWorkers <= 0 {
		c.IdentifyWorkers = 64
	}
	if c.ExploreWorkers <= 0 {
		c.ExploreWorkers = 16
	}
	if c.Limits == (probe.Limits{}) {
		c.Limits = probe.DefaultLimits()
	}
	if c.Counters == nil {
		c.Counters = new(Counters)
	}
	return c
}

// job is one open port on its way through the pipeline.
type job struct {
	item  scope.Item
	index uint64
	ev    *event.Event
	probe probe.Probe
	start time.Time
}

// Run scans and returns when every item is done, ctx ends (Ctrl-C) or a
// sink fails. On ctx's end it returns ctx's error after the events that
// were complete reached the sinks; the unfinished ones are redone by a
// resumed scan. Sinks are called with a context that outlives ctx, so a
// store can still record what was found.
// minProbeConns is the lowest per-host connection limit applied to
// identification and exploration (discovery honours --per-host exactly).
const minProbeConns = 4

func Run(ctx context.Context, cfg Config) (Stats, error) {
	cfg = cfg.withDefaults()
	if cfg.Items == nil {
		return Stats{}, errors.New("scan: no items")
	}
	begin := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sinkCtx := context.WithoutCancel(ctx)

	c := cfg.Counters
	c.Checkpoint.Store(cfg.Start)
	var checkpointErr atomic.Pointer[error]
	tr := newTracker(cfg.Start, func(idx uint64) {
		c.Checkpoint.Store(idx)
		if cfg.Checkpoint != nil {
			if err := cfg.Checkpoint(sinkCtx, idx); err != nil {
				checkpointErr.CompareAndSwap(nil, &err)
				cancel(fmt.Errorf("scan: checkpoint: %w", err))
			}
		}
	})

	env := probe.NewEnv(cfg.Limits)
	perHost := cfg.Discover.PerHost
	if perHost <= 0 {
		perHost = discover.DefaultPerHost
	}
	// Discovery and the probes run at the same time against the same host,
	// so they share --per-host: discovery gets half, the probes the rest
	// (discovery alone gets it all). Some probes hold one connection while
	// opening another (a metadata dump, a per-database session): below
	// minProbeConns a lone probe could wait on itself until its timeout, so
	// the probes never get fewer.
	cfg.Discover.PerHost = perHost
	if len(cfg.Probes) > 0 {
		cfg.Discover.PerHost = max(perHost/2, 1)
	}
	probeConns := max(perHost-cfg.Discover.PerHost, minProbeConns)
	env.Dialer, env.InScope = newHostLimiter(probeConns).dialer(cfg.Dialer), cfg.InScope

	// Discovery hands open ports over from its found callback; a deep queue
	// keeps a burst of open ports from stalling its connection loop (and
	// skewing its timeouts) while identification catches up.
	identifyQ := make(chan *job, 16384)
	exploreQ := make(chan *job, cfg.ExploreWorkers)
	sinkQ := make(chan *job, 64)

	var st Stats
	var discoverErr error
	go func() {
		defer close(identifyQ)
		st.Attempts, st.Skipped, discoverErr = produce(ctx, cfg, tr, identifyQ)
	}()

	var identifyWG, exploreWG sync.WaitGroup
	for range cfg.IdentifyWorkers {
		identifyWG.Go(func() {
			for j := range identifyQ {
				identifyJob(ctx, cfg, env, j, exploreQ, sinkQ)
			}
		})
	}
	for range cfg.ExploreWorkers {
		exploreWG.Go(func() {
			for j := range exploreQ {
				exploreJob(ctx, cfg, env, j, sinkQ)
			}
		})
	}
	go func() { identifyWG.Wait(); close(exploreQ) }()
	go func() { exploreWG.Wait(); close(sinkQ) }()

	// The sinks run here, one event at a time. After a sink error the queue
	// is still drained (workers must never block) but nothing is written.
	var sinkErr error
	for j := range sinkQ {
		if sinkErr != nil {
			continue
		}
		for _, s := range cfg.Sinks {
			if err := s.Event(sinkCtx, j.ev); err != nil {
				sinkErr = fmt.Errorf("scan: %w", err)
				cancel(sinkErr)
				break
			}
		}
		if sinkErr != nil {
			continue
		}
		c.Events.Add(1)
		tr.done(j.index)
	}

	st.Total, st.Pulled = cfg.Total, c.Pulled.Load()
	st.Open, st.Identified, st.Exposed = c.Open.Load(), c.Identified.Load(), c.Exposed.Load()
	st.Events, st.Checkpoint = c.Events.Load(), c.Checkpoint.Load()
	st.Elapsed = time.Since(begin)
	switch {
	case sinkErr != nil:
		return st, sinkErr
	case checkpointErr.Load() != nil:
		return st, fmt.Errorf("scan: checkpoint: %w", *checkpointErr.Load())
	case discoverErr != nil:
		return st, discoverErr
	}
	return st, ctx.Err()
}

// produce runs discovery over every item from cfg.Start on and queues every
// open port with its index. Discovery's found callback gives the item, not
// its index, so the items pulled are remembered (in index order) until
// discovery's watermark passes them.
func produce(ctx context.Context, cfg Config, tr *tracker, out chan<- *job) (attempts, skipped uint64, err error) {
	c := cfg.Counters
	var mu sync.Mutex // the iterator, found and Progress may run on different goroutines
	pending := map[netip.AddrPort]uint64{}
	var order []pulled // pulled items in index order; order[head:] are live
	head := 0
	forget := func(watermark uint64) {
		for head < len(order) && order[head].index < watermark {
			delete(pending, order[head].key)
			head++
		}
		if head > 4096 && head*2 > len(order) { // compact
			order = append(order[:0], order[head:]...)
			head = 0
		}
	}
	items := func(yield func(uint64, scope.Item) bool) {
		for i, it := range cfg.Items(cfg.Start) {
			k := netip.AddrPortFrom(it.IP, uint16(it.Port))
			mu.Lock()
			pending[k] = i
			order = append(order, pulled{i, k})
			mu.Unlock()
			c.Pulled.Add(1)
			if !yield(i, it) {
				return
			}
		}
	}
	dcfg := cfg.Discover
	dcfg.ProgressEvery = cfg.CheckpointEvery
	userProgress := dcfg.Progress
	dcfg.Progress = func(st discover.Stats) {
		mu.Lock()
		forget(st.Done)
		mu.Unlock()
		tr.discoveredUpTo(st.Done)
		if userProgress != nil {
			userProgress(st)
		}
	}
	stats, err := cfg.DiscoverFunc(ctx, dcfg, items, func(it scope.Item) {
		k := netip.AddrPortFrom(it.IP, uint16(it.Port))
		if cfg.Skip[k] {
			skipped++
			return
		}
		mu.Lock()
		i, ok := pending[k]
		mu.Unlock()
		if !ok {
			return // not an item of ours: discovery reported something twice
		}
		c.Open.Add(1)
		tr.add(i)
		// Never block discovery after cancellation: an unsent job stays
		// pending in the tracker, so the checkpoint stays below it and
		// --resume redoes it.
		select {
		case out <- &job{item: it, index: i}:
		case <-ctx.Done():
		}
	})
	if err != nil {
		// Done is still exact: every item below it was completed.
		tr.discoveredUpTo(stats.Done)
		if ctx.Err() != nil {
			return stats.Attempts, skipped, ctx.Err()
		}
		return stats.Attempts, skipped, fmt.Errorf("scan: discovery: %w", err)
	}
	tr.discoveredUpTo(cfg.Total)
	return stats.Attempts, skipped, nil
}

type pulled struct {
	index uint64
	key   netip.AddrPort
}

func target(it scope.Item) probe.Target {
	return probe.Target{Host: it.Host, IP: it.IP, Port: it.Port, TLS: it.TLS}
}

// identifyJob identifies one open port and passes it on: to exploration
// when a probe recognised it, else straight to the sinks.
func identifyJob(ctx context.Context, cfg Config, env *probe.Env, j *job, exploreQ, sinkQ chan<- *job) {
	if ctx.Err() != nil {
		return // stopping: a resumed scan redoes it
	}
	j.start = time.Now()
	j.ev = event.New(j.item.Target, j.item.IP.String(), j.item.Port)
	j.ev.ScanID, j.ev.Host, j.ev.TLS = cfg.ScanID, j.item.Host, j.item.TLS
	t := target(j.item)
	p, svc, status, note := identify(ctx, env, cfg.Probes, &t, cfg.IdentifyPortTimeout)
	if ctx.Err() != nil {
		return
	}
	if p != nil {
		j.item.TLS, j.ev.TLS = t.TLS, t.TLS // identified over TLS: explore over TLS too
		cfg.Counters.Identified.Add(1)
		j.ev.Service, j.probe = svc, p
		exploreQ <- j
		return
	}
	j.ev.Status = status
	if note != "" {
		j.ev.Errors = append(j.ev.Errors, note)
	}
	finish(ctx, cfg, j, sinkQ)
}

func exploreJob(ctx context.Context, cfg Config, env *probe.Env, j *job, sinkQ chan<- *job) {
	if ctx.Err() != nil {
		return
	}
	probe.Explore(ctx, env, j.probe, target(j.item), j.ev)
	if ctx.Err() != nil {
		return // cut short by Ctrl-C: not a finding to record
	}
	finish(ctx, cfg, j, sinkQ)
}

// finish runs the stages, drops the samples and queues the event for the sinks.
func finish(ctx context.Context, cfg Config, j *job, sinkQ chan<- *job) {
	for i, stage := range cfg.Stages {
		runStage(ctx, i, stage, j.ev)
	}
	if ctx.Err() != nil {
		return
	}
	dropSamples(j.ev)
	j.ev.DurationMS = time.Since(j.start).Milliseconds()
	if j.ev.Status == event.StatusOpen {
		cfg.Counters.Exposed.Add(1)
	}
	sinkQ <- j
}

// runStage runs one stage; a panic (a classifier choking on hostile data)
// becomes an error on the event instead of ending the scan.
func runStage(ctx context.Context, i int, stage Stage, ev *event.Event) {
	defer func() {
		if r := recover(); r != nil {
			ev.Errors = append(ev.Errors, fmt.Sprintf("stage %d panicked: %v", i, r))
		}
	}()
	stage(ctx, ev)
}

// dropSamples releases the raw documents: they were for the stages only.
func dropSamples(ev *event.Event) {
	if ev.Dataset == nil {
		return
	}
	for i := range ev.Dataset.Containers {
		ev.Dataset.Containers[i].Samples = nil
	}
}
