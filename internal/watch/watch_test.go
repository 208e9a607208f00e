package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/classify"
	"github.com/leakwatch/leakwatch/internal/notify"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
	"github.com/leakwatch/leakwatch/internal/store"
)

const (
	watchIP    = "127.77.46.20" // the test's own redis
	receiverIP = "127.77.46.21"
	hookSecret = "watch-test-secret"
)

// alertReceiver is a webhook endpoint that verifies signatures and counts
// every alert by dedupe key.
type alertReceiver struct {
	mu     sync.Mutex
	byKey  map[string]int
	kinds  []string // in arrival order: kind|container
	badSig int
}

func (r *alertReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	defer r.mu.Unlock()
	if !notify.Verify([]byte(hookSecret), req.Header.Get(notify.HeaderTimestamp), req.Header.Get(notify.HeaderSignature), body) {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p notify.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.byKey[p.DedupeKey]++
	r.kinds = append(r.kinds, p.Kind)
}

func (r *alertReceiver) count(kind string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, k := range r.kinds {
		if k == kind {
			n++
		}
	}
	return n
}

func (r *alertReceiver) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]int{}
	for _, k := range r.kinds {
		m[k]++
	}
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

type harness struct {
	t      *testing.T
	st     *store.Store
	cfg    *Config
	chans  []notify.Channel
	recv   *alertReceiver
	stopFn func()
}

func (h *harness) startWatcher() {
	h.t.Helper()
	scanner := &Scanner{Store: h.st, Probes: all.Probes(),
		Stages: []scan.Stage{classify.Stage(classify.New(classify.Options{})), assess.Stage()}}
	w := &Watcher{Store: h.st, Config: h.cfg, Scan: scanner.Scan, Channels: h.chans, Tick: 200 * time.Millisecond,
		DeliveryPoll: 50 * time.Millisecond, Backoff: func(int) time.Duration { return 50 * time.Millisecond },
		Log: func(f string, a ...any) { h.t.Logf("watch: "+f, a...) }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	h.stopFn = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("watcher: %v", err)
			}
		case <-time.After(60 * time.Second):
			h.t.Fatal("watcher did not stop")
		}
	}
}

func (h *harness) stopWatcher() {
	if h.stopFn != nil {
		h.stopFn()
		h.stopFn = nil
	}
}

// scanAfter waits until a scan of the group that started after t finished
// and every delivery it caused went out.
func (h *harness) scanAfter(t time.Time) string {
	h.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		g, err := h.st.GetWatchGroup(context.Background(), "lab")
		if err == nil && g.LastRun != nil && g.LastRun.After(t) && g.LastStatus == store.ScanDone {
			due, err := h.st.DueDeliveries(context.Background(), time.Now().Add(time.Hour), nil, 1)
			if err != nil {
				h.t.Fatal(err)
			}
			if len(due) == 0 {
				return g.LastScanID
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no finished scan after %s (group: %+v, %v); alerts so far: %s", t.Format(time.StampMilli), g, err, h.recv.summary())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (h *harness) expect(want map[string]int) {
	h.t.Helper()
	for kind, n := range want {
		if got := h.recv.count(kind); got != n {
			h.t.Errorf("%s alerts received: %d, want %d (all: %s)", kind, got, n, h.recv.summary())
		}
	}
}

// The watcher scans a real redis-server the test controls: new data with
// personal data types, the server going away, coming back with
// credentials, and most keys deleted each raise exactly one alert of the
// right kind, across a restart of the watcher, and quiet scans raise none.
func TestWatchAlertsExactlyOnceAcrossRestart(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		redisDir := t.TempDir()
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		recv := &alertReceiver{byKey: map[string]int{}}
		ln, err := net.Listen("tcp", receiverIP+":0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: recv, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()

		cfg := &Config{
			Groups: []Group{{Name: "lab", Targets: []string{watchIP}, Ports: "6379", Probes: []string{"redis"}, Every: "1s", Timeout: "2s"}},
			Channels: []notify.ChannelConfig{{Name: "hook", Type: "webhook", URL: "http://" + ln.Addr().String() + "/alerts",
				Secret: hookSecret}},
		}
		chans, err := cfg.Validate()
		if err != nil {
			t.Fatal(err)
		}
		h := &harness{t: t, st: st, cfg: cfg, chans: chans, recv: recv}
		defer h.stopWatcher()

		// 1. A cache server appears: opened.
		r := startRedis(t, watchIP, 6379, redisDir)
		r.eval(seedCache)
		mark := time.Now()
		h.startWatcher()
		h.scanAfter(mark)
		h.expect(map[string]int{"opened": 1})

		// 2. Its values now hold customer records: new data types.
		r.eval(seedCustomers)
		h.scanAfter(time.Now())
		h.expect(map[string]int{"opened": 1, "new-data-type": 1})

		// 3. The server goes away: closed.
		r.stop()
		h.scanAfter(time.Now())
		h.expect(map[string]int{"opened": 1, "new-data-type": 1, "closed": 1})

		// Restart the watcher; meanwhile a new server with credentials took
		// the address (seeded before the watcher is back, so no scan sees it
		// empty): opened again.
		h.stopWatcher()
		r = startRedis(t, watchIP, 6379, redisDir)
		r.eval(seedCredentials)
		mark = time.Now()
		h.startWatcher()
		h.scanAfter(mark)
		h.expect(map[string]int{"opened": 2, "closed": 1})

		// 5. Most keys deleted: wiped.
		r.eval(wipeMost)
		if got := r.dbsize(); got != "40" {
			t.Fatalf("DBSIZE after the wipe: %s", got)
		}
		h.scanAfter(time.Now())
		h.expect(map[string]int{"opened": 2, "closed": 1, "wiped": 1})

		// Restart once more, and let two quiet scans pass: nothing new.
		h.stopWatcher()
		h.startWatcher()
		h.scanAfter(time.Now())
		h.scanAfter(time.Now())
		h.stopWatcher()
		h.expect(map[string]int{"opened": 2, "new-data-type": 1, "closed": 1, "wiped": 1})

		recv.mu.Lock()
		defer recv.mu.Unlock()
		for k, n := range recv.byKey {
			if n != 1 {
				t.Errorf("alert %s delivered %d times", k, n)
			}
		}
		if recv.badSig != 0 {
			t.Errorf("%d deliveries with a bad signature", recv.badSig)
		}
		t.Logf("alerts: %v", recv.kinds)
	})
}
