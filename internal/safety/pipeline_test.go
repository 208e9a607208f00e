package safety

import (
	"context"
	"encoding/json"
	"net"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
	"github.com/leakwatch/leakwatch/internal/scope"
)

// outcome is what one pipeline run produced and cost.
type outcome struct {
	events    map[string]*event.Event // by "ip:port"
	jsonLines map[string][]byte       // each event as the JSON sink wrote it
	stats     scan.Stats
	err       error
	elapsed   time.Duration
	peakHeap  uint64           // peak live heap above the baseline, bytes
	read      map[string]int64 // bytes the pipeline read, per "ip:port"
	conns     map[string]int64 // connections the probes opened, per "ip:port"
}

// runPipeline runs the real scan pipeline (scope → discovery →
// identification by every registered probe → exploration → sinks) over
// targets with cfg's limits, counting the bytes and connections of every
// probe and sampling the heap every millisecond.
func runPipeline(t *testing.T, targets []string, cfg scan.Config) outcome {
	t.Helper()
	sc, err := scope.Parse(context.Background(), targets, nil, scope.Options{})
	if err != nil {
		t.Fatalf("scope: %v", err)
	}
	out := outcome{events: map[string]*event.Event{}, jsonLines: map[string][]byte{}, read: map[string]int64{}, conns: map[string]int64{}}
	var mu sync.Mutex
	counters := map[string]*atomic.Int64{}
	counter := func(addr string) *atomic.Int64 {
		mu.Lock()
		defer mu.Unlock()
		c := counters[addr]
		if c == nil {
			c = new(atomic.Int64)
			counters[addr] = c
		}
		out.conns[addr]++
		return c
	}
	cfg.Items, cfg.Total = sc.Items, sc.Len()
	if cfg.Probes == nil {
		cfg.Probes = all.Probes()
	}
	if cfg.Discover.Rate == 0 {
		cfg.Discover = discover.Config{Rate: 1000, Timeout: time.Second}
	}
	cfg.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &readCounter{Conn: c, n: counter(addr)}, nil
	}
	cfg.Sinks = append(cfg.Sinks, scan.SinkFunc(func(_ context.Context, ev *event.Event) error {
		b, err := json.Marshal(ev) // what --json and the store would write
		if err != nil {
			t.Errorf("event %s:%d does not marshal: %v", ev.IP, ev.Port, err)
		}
		key := net.JoinHostPort(ev.IP, strconv.Itoa(ev.Port))
		mu.Lock()
		if out.events[key] != nil {
			t.Errorf("two events for %s", key)
		}
		out.events[key], out.jsonLines[key] = ev, b
		mu.Unlock()
		return nil
	}))

	stopHeap := sampleHeap()
	start := time.Now()
	out.stats, out.err = scan.Run(context.Background(), cfg)
	out.elapsed = time.Since(start)
	out.peakHeap = stopHeap()
	mu.Lock()
	for addr, c := range counters {
		out.read[addr] = c.Load()
	}
	mu.Unlock()
	return out
}

type readCounter struct {
	net.Conn
	n *atomic.Int64
}

func (c *readCounter) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// sampleHeap starts sampling the live heap (runtime/metrics, every
// millisecond, plus HeapInuse every 50 ms); the returned function stops
// it and returns the peak above the baseline taken after a GC at start.
func sampleHeap() (stop func() uint64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			v := read()
			if i%50 == 0 {
				runtime.ReadMemStats(&ms)
				v = max(v, ms.HeapInuse)
			}
			if v > peak.Load() {
				peak.Store(v)
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		if p := peak.Load(); p > base {
			return p - base
		}
		return 0
	}
}

// definedStatus is every status an event may end with.
var definedStatus = map[event.Status]bool{
	event.StatusOpen: true, event.StatusAuthRequired: true, event.StatusNotIdentified: true,
	event.StatusRefused: true, event.StatusTimeout: true, event.StatusProtocolError: true,
	event.StatusTooLarge: true, event.StatusOutOfScope: true, event.StatusError: true,
	event.StatusNotTested: true,
}
