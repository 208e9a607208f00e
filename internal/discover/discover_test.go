package discover

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/scope"
)

var engines = []struct {
	name string
	e    Engine
}{{"epoll", EngineEpoll}, {"dialer", EngineDialer}}

// listener is a real TCP listener that counts and drops connections.
type listener struct {
	ln       net.Listener
	accepted atomic.Int64
	times    chan time.Duration
}

func listen(t *testing.T, addr string) *listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	l := &listener{ln: ln, times: make(chan time.Duration, 100000)}
	start := time.Now()
	go func() {
		for {
			c, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil { // EMFILE in TestLocalErrorsAreRetried: keep serving
				time.Sleep(time.Millisecond)
				continue
			}
			l.accepted.Add(1)
			select {
			case l.times <- time.Since(start):
			default:
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return l
}

func (l *listener) addrPort() netip.AddrPort {
	return netip.MustParseAddrPort(l.ln.Addr().String())
}

// itemsOf yields items with indices 0, 1, ...
func itemsOf(items []scope.Item) iter.Seq2[uint64, scope.Item] {
	return func(yield func(uint64, scope.Item) bool) {
		for i, it := range items {
			if !yield(uint64(i), it) {
				return
			}
		}
	}
}

func item(ap netip.AddrPort) scope.Item {
	return scope.Item{Target: ap.String(), IP: ap.Addr(), Port: int(ap.Port())}
}

// collector gathers found items and fails on concurrent calls.
type collector struct {
	busy  atomic.Bool
	mu    sync.Mutex
	found []string
	bad   atomic.Bool
}

func (c *collector) add(it scope.Item) {
	if !c.busy.CompareAndSwap(false, true) {
		c.bad.Store(true)
	}
	c.mu.Lock()
	c.found = append(c.found, netip.AddrPortFrom(it.IP, uint16(it.Port)).String())
	c.mu.Unlock()
	c.busy.Store(false)
}

func TestFindsAllOpenAmongClosed(t *testing.T) {
	var want []string
	portSet := map[int]bool{1: true, 2: true, 65000: true} // closed everywhere
	for n := 1; n <= 20; n++ {
		l := listen(t, fmt.Sprintf("127.77.41.%d:0", n*11))
		want = append(want, l.addrPort().String())
		portSet[int(l.addrPort().Port())] = true
	}
	var ports []int
	for p := range portSet {
		ports = append(ports, p)
	}
	sc, err := scope.Parse(context.Background(), []string{"127.77.41.0/24"}, nil, scope.Options{DefaultPorts: ports, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var c collector
			st, err := Scan(context.Background(), Config{Rate: -1, Concurrency: 512, Timeout: 2 * time.Second, Engine: e.e}, sc.Items(0), c.add)
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(c.found)
			if fmt.Sprint(c.found) != fmt.Sprint(want) {
				t.Errorf("found %v\nwant  %v", c.found, want)
			}
			if c.bad.Load() {
				t.Error("found was called concurrently")
			}
			if st.Open != 20 || st.Closed != sc.Len()-20 || st.Errors != 0 || st.TimedOut != 0 || st.Attempts != sc.Len() {
				t.Errorf("stats %+v, Len %d", st, sc.Len())
			}
			if st.Done != sc.Len() {
				t.Errorf("Done = %d, want %d", st.Done, sc.Len())
			}
			t.Logf("%s: %d attempts in %v (%.0f/s)", e.name, st.Attempts, st.Elapsed, float64(st.Attempts)/st.Elapsed.Seconds())
		})
	}
}

func TestRateLimitHolds(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			l := listen(t, "127.77.40.30:0")
			const n, rate = 300, 200
			items := make([]scope.Item, n)
			for i := range items {
				items[i] = item(l.addrPort())
			}
			var c collector
			st, err := Scan(context.Background(), Config{Rate: rate, Engine: e.e, Timeout: time.Second}, itemsOf(items), c.add)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.found) != n {
				t.Fatalf("found %d of %d", len(c.found), n)
			}
			// The burst is rate/200 = 1 token, so n attempts need ≥ (n-1)/rate.
			if min := time.Duration(n-1) * time.Second / rate; st.Elapsed < min*95/100 || st.Elapsed > min*5 { // (loose upper bound: the machine is shared)
				t.Errorf("%d attempts at %d/s took %v, want about %v (stats %+v)", n, rate, st.Elapsed, min, st)
			}
			// Measured at the receiver: no 250 ms window sees more than rate/4 (+ slack).
			time.Sleep(100 * time.Millisecond)
			buckets := map[time.Duration]int{}
		drain:
			for {
				select {
				case at := <-l.times:
					buckets[at/(250*time.Millisecond)]++
				default:
					break drain
				}
			}
			for w, got := range buckets {
				if got > rate/4+rate/20+2 {
					t.Errorf("window %d: %d accepts, limit %d per 250 ms", w, got, rate/4)
				}
			}
			if got := l.accepted.Load(); got < n*95/100 {
				t.Errorf("listener accepted %d of %d", got, n)
			}
		})
	}
}

func TestPerHostLimitHolds(t *testing.T) {
	var items []scope.Item
	for range 8 {
		items = append(items, item(blackhole(t, "127.77.40.40")))
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			const timeout = 250 * time.Millisecond
			run := func(perHost int) Stats {
				st, err := Scan(context.Background(), Config{Rate: -1, PerHost: perHost, Timeout: timeout, Engine: e.e}, itemsOf(items), nil)
				if err != nil {
					t.Fatal(err)
				}
				if st.TimedOut != 8 || st.Open != 0 || st.Done != 8 {
					t.Errorf("perHost %d: stats %+v", perHost, st)
				}
				return st
			}
			// 8 silent ports, 2 at a time: 4 rounds of the timeout.
			if st := run(2); st.Elapsed < 4*timeout*95/100 {
				t.Errorf("PerHost 2 finished in %v: limit not held", st.Elapsed)
			}
			if st := run(8); st.Elapsed > 3*timeout {
				t.Errorf("PerHost 8 took %v: attempts were serialised", st.Elapsed)
			}
		})
	}
}

func TestTimeoutAndRetries(t *testing.T) {
	ap := blackhole(t, "127.77.40.41")
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			st, err := Scan(context.Background(), Config{Timeout: 150 * time.Millisecond, Retries: 2, Engine: e.e}, itemsOf([]scope.Item{item(ap)}), nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Attempts != 3 || st.TimedOut != 1 || st.Retried != 2 || st.Open != 0 || st.Closed != 0 {
				t.Errorf("stats %+v", st)
			}
			if st.Elapsed < 420*time.Millisecond || st.Elapsed > 2*time.Second {
				t.Errorf("3 timeouts of 150 ms took %v", st.Elapsed)
			}
		})
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	ap := blackhole(t, "127.77.40.42")
	forever := func(yield func(uint64, scope.Item) bool) {
		for i := uint64(0); ; i++ {
			if !yield(i, item(ap)) {
				return
			}
		}
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			st, err := Scan(ctx, Config{Timeout: 10 * time.Second, PerHost: 64, Concurrency: 64, Engine: e.e}, forever, nil)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if st.Elapsed > 600*time.Millisecond {
				t.Errorf("cancel at 200 ms returned after %v", st.Elapsed)
			}
			if st.Done != 0 || st.Attempts == 0 {
				t.Errorf("stats %+v: nothing completed, so Done must stay 0", st)
			}
		})
	}
}

func TestDoneWatermarkResumes(t *testing.T) {
	// Item 0 blackholed (slow), the rest closed: Done stays 0 until it ends.
	ap := blackhole(t, "127.77.40.43")
	items := []scope.Item{item(ap)}
	for p := 1; p <= 50; p++ {
		items = append(items, item(netip.AddrPortFrom(netip.MustParseAddr("127.77.40.44"), uint16(p))))
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			st, err := Scan(ctx, Config{Timeout: 5 * time.Second, Engine: e.e}, itemsOf(items), nil)
			if !errors.Is(err, context.DeadlineExceeded) || st.Done != 0 || st.Closed != 50 {
				t.Errorf("err %v, stats %+v: want Done 0 with 50 closed", err, st)
			}
			st, err = Scan(context.Background(), Config{Timeout: 100 * time.Millisecond, Engine: e.e}, itemsOf(items), nil)
			if err != nil || st.Done != uint64(len(items)) {
				t.Errorf("err %v, Done %d, want %d", err, st.Done, len(items))
			}
		})
	}
}

func TestProgressReportsDone(t *testing.T) {
	ap := blackhole(t, "127.77.40.45")
	items := []scope.Item{item(ap), item(ap)}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var calls []Stats
			st, err := Scan(context.Background(), Config{Timeout: 400 * time.Millisecond, PerHost: 1, Engine: e.e,
				Progress: func(s Stats) { calls = append(calls, s) }, ProgressEvery: 100 * time.Millisecond}, itemsOf(items), nil)
			if err != nil || st.Done != 2 {
				t.Fatalf("err %v, stats %+v", err, st)
			}
			// Two silent ports one after the other: ~8 reports, Done 0 then 1.
			if len(calls) < 4 {
				t.Fatalf("%d progress calls in %v", len(calls), st.Elapsed)
			}
			sawOne := false
			for i, c := range calls {
				if i > 0 && (c.Done < calls[i-1].Done || c.Attempts < calls[i-1].Attempts) {
					t.Errorf("progress went backwards: %+v after %+v", c, calls[i-1])
				}
				sawOne = sawOne || c.Done == 1
			}
			if calls[0].Done != 0 || calls[0].Attempts != 1 || !sawOne {
				t.Errorf("progress: first %+v, last %+v, Done 1 seen: %v", calls[0], calls[len(calls)-1], sawOne)
			}
		})
	}
}

// TestServerResetIsOpen: a server that accepts and resets at once is open,
// even when the RST lands before the scanner reads the socket's status.
func TestServerResetIsOpen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.77.40.50:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	items := make([]scope.Item, 300)
	for i := range items {
		items[i] = item(ap)
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var c collector
			st, err := Scan(context.Background(), Config{Rate: -1, PerHost: 64, Engine: e.e}, itemsOf(items), c.add)
			if err != nil || st.Open != uint64(len(items)) || len(c.found) != len(items) {
				t.Errorf("err %v, stats %+v", err, st)
			}
		})
	}
}

// TestIPv6 covers the AF_INET6 path. ::1 is the only IPv6 loopback address;
// the listener takes a random port, so it cannot collide with anything.
func TestIPv6(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	l := &listener{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	open := l.addrPort()
	closed := netip.AddrPortFrom(open.Addr(), 1)
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var c collector
			st, err := Scan(context.Background(), Config{Engine: e.e}, itemsOf([]scope.Item{item(closed), item(open)}), c.add)
			if err != nil || st.Open != 1 || st.Closed != 1 || len(c.found) != 1 || c.found[0] != open.String() {
				t.Errorf("err %v, stats %+v, found %v", err, st, c.found)
			}
		})
	}
}

// TestCancelDuringRefusals: on loopback refusals settle without waiting, so
// cancellation must be noticed between attempts too.
func TestCancelDuringRefusals(t *testing.T) {
	ports := make([]int, 1000)
	for i := range ports {
		ports[i] = 20000 + i
	}
	sc, err := scope.Parse(context.Background(), []string{"127.77.42.0/24"}, nil, scope.Options{DefaultPorts: ports})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var progress int
			time.AfterFunc(150*time.Millisecond, cancel)
			st, err := Scan(ctx, Config{Rate: -1, Engine: e.e, ProgressEvery: 20 * time.Millisecond,
				Progress: func(Stats) { progress++ }}, sc.Items(0), nil)
			if !errors.Is(err, context.Canceled) || st.Elapsed > 600*time.Millisecond || st.Attempts >= sc.Len() {
				t.Errorf("err %v, stats %+v", err, st)
			}
			if progress < 2 {
				t.Errorf("%d progress calls in %v", progress, st.Elapsed)
			}
			if st.Done > st.Attempts {
				t.Errorf("Done %d beyond %d attempts", st.Done, st.Attempts)
			}
		})
	}
}
