package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/diff"
	"github.com/leakwatch/leakwatch/internal/notify"
	"github.com/leakwatch/leakwatch/internal/store"
)

func TestParseUntil(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-12-31":           time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		"2026-12-05T08:00:00Z": time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC),
		"30d":                  now.Add(30 * 24 * time.Hour),
		"72h":                  now.Add(72 * time.Hour),
	} {
		got, err := parseUntil(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseUntil(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2020-01-01", "-3h", "0d", "xd", "tomorrow"} {
		if _, err := parseUntil(bad, now); err == nil {
			t.Errorf("parseUntil(%q) accepted", bad)
		}
	}
}

func TestIgnoreAddListRemove(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lw.db")
	if _, stderr, code := runCLI(t, "ignore", "10.0.0.5:9200", "--until", "30d", "--db", db); code != 2 || !strings.Contains(stderr, "--reason") {
		t.Fatalf("missing reason: exit %d, %s", code, stderr)
	}
	out, stderr, code := runCLI(t, "ignore", "10.0.0.5:9200", "--container", "logs", "--until", "30d", "--reason", "honeypot", "--db", db)
	if code != 0 || !strings.Contains(out, "suppression 1") {
		t.Fatalf("add: exit %d, %s %s", code, out, stderr)
	}
	out, _, code = runCLI(t, "ignore", "--list", "--json", "--db", db)
	var sup store.Suppression
	if code != 0 || json.Unmarshal([]byte(out), &sup) != nil || sup.Host != "10.0.0.5" || sup.Port != 9200 ||
		sup.Container != "logs" || sup.Reason != "honeypot" {
		t.Fatalf("list: exit %d, %q", code, out)
	}
	if out, _, code = runCLI(t, "ignore", "--remove", "1", "--db", db); code != 0 {
		t.Fatalf("remove: exit %d, %s", code, out)
	}
	if out, _, _ = runCLI(t, "ignore", "--list", "--db", db); !strings.Contains(out, "no active suppressions") {
		t.Fatalf("after remove: %q", out)
	}
	if _, _, code = runCLI(t, "ignore", "--remove", "1", "--db", db); code != 2 {
		t.Fatalf("removing a missing suppression: exit %d", code)
	}
}

// ownRedis starts a redis-server this test controls (and kills by PID).
func ownRedis(t *testing.T, addr string) func() {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("redis-server", "--bind", host, "--port", port, "--dir", t.TempDir(), "--save", "",
		"--appendonly", "no", "--protected-mode", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(10 * time.Second)
	for redisCLI(t, addr, "PING") != "PONG" {
		if time.Now().After(deadline) {
			t.Fatalf("redis on %s did not start", addr)
		}
		time.Sleep(30 * time.Millisecond)
	}
	return stop
}

func redisCLI(t *testing.T, addr string, args ...string) string {
	host, port, _ := net.SplitHostPort(addr)
	out, _ := exec.Command("redis-cli", append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

// diff between two real scans, then the watcher (from a YAML file) sees the
// server go away and sends one signed "closed" alert, which `alerts` lists
// as delivered.
func TestDiffThenWatchCLI(t *testing.T) {
	const addr = "127.77.46.30:6379"
	stopRedis := ownRedis(t, addr)
	db := filepath.Join(t.TempDir(), "lw.db")
	redisCLI(t, addr, "EVAL", `for i=1,200 do redis.call('SET','k:'..i,'v'..i) end return 1`, "0")
	scanArgs := []string{"scan", "127.77.46.30", "--ports", "6379", "--probes", "redis", "--db", db, "-q"}
	if _, stderr, code := runCLI(t, scanArgs...); code != 1 {
		t.Fatalf("first scan: exit %d: %s", code, stderr)
	}
	redisCLI(t, addr, "EVAL", `for i=1,600 do redis.call('SET','k:'..i, cjson.encode({email='c'..i..'@example.com'})) end return 1`, "0")
	if _, stderr, code := runCLI(t, scanArgs...); code != 1 {
		t.Fatalf("second scan: exit %d: %s", code, stderr)
	}
	out, stderr, code := runCLI(t, "diff", "--json", "--db", db)
	var res diff.Result
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("diff: exit %d: %s %s", code, out, stderr)
	}
	if len(res.Changed) != 1 || len(res.New)+len(res.Closed) != 0 {
		t.Fatalf("diff: %s", out)
	}
	ch := res.Changed[0]
	if ch.DocsBefore != 200 || ch.DocsAfter != 600 || len(ch.Containers) != 1 || ch.Containers[0].Change != "up" ||
		!strings.Contains(strings.Join(ch.NewTypes, ","), "email") {
		t.Errorf("changed exposure: %+v", ch)
	}
	if out, _, _ := runCLI(t, "diff", "--db", db); !strings.Contains(out, "changed") || !strings.Contains(out, "200 → 600") {
		t.Errorf("diff table:\n%s", out)
	}
	out, _, code = runCLI(t, "diff", "--exposure", addr+"/redis", "--db", db)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 ||
		!strings.Contains(lines[1], "db0") || !strings.Contains(lines[1], "200") || !strings.Contains(lines[2], "600") {
		t.Errorf("container history: exit %d\n%s", code, out)
	}

	// The watcher, configured by file, with a webhook receiver.
	var mu sync.Mutex
	var got []notify.Payload
	ln, err := net.Listen("tcp", "127.77.46.31:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !notify.Verify([]byte("k3y"), r.Header.Get(notify.HeaderTimestamp), r.Header.Get(notify.HeaderSignature), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p notify.Payload
		_ = json.Unmarshal(body, &p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	})}
	go srv.Serve(ln)
	defer srv.Close()
	cfgPath := filepath.Join(t.TempDir(), "watch.yaml")
	cfg := fmt.Sprintf(`groups:
  - name: lab
    targets: [127.77.46.30]
    ports: "6379"
    probes: [redis]
    every: 1s
    channels: [soc]
channels:
  - name: soc
    type: webhook
    url: http://%s/hook
    secret: ${LW_TEST_HOOK_SECRET}
`, ln.Addr())
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	w := cli(t, ctx, "watch", "--config", cfgPath, "--db", db, "--tick", "200ms")
	w.Env = append(w.Env, "LW_TEST_HOOK_SECRET=k3y")
	werr := new(lockedBuffer)
	w.Stderr = werr
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	waitLog := func(what string) {
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(werr.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("watcher never logged %q:\n%s", what, werr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitLog("done in") // a first scan: nothing changed since the CLI scans
	stopRedis()
	waitLog("closed: redis on")
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no alert arrived:\n%s", werr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = w.Process.Signal(syscall.SIGINT)
	_ = w.Wait()
	mu.Lock()
	if len(got) != 1 || got[0].Kind != "closed" || got[0].Fingerprint != addr+"/redis" {
		t.Errorf("alerts received: %+v\n%s", got, werr.String())
	}
	mu.Unlock()
	out, _, code = runCLI(t, "alerts", "--json", "--db", db)
	var a store.AlertWithDeliveries
	if code != 0 || json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &a) != nil || a.Kind != "closed" ||
		len(a.Deliveries) != 1 || a.Deliveries[0].Status != store.DeliveryDelivered {
		t.Errorf("alerts: exit %d: %s", code, out)
	}
	if out, _, _ = runCLI(t, "alerts", "--db", db); !strings.Contains(out, "soc ok") {
		t.Errorf("alerts table:\n%s", out)
	}
}

// lockedBuffer is written by the child's stderr copier and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// tarpit accepts connections and never answers: a scan of it stays busy
// in identification for a while.
func tarpit(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
}

// A watcher killed (SIGKILL) in the middle of a scan leaves a running River
// job and a running scan behind; the next watcher marks the scan
// interrupted and runs the group again at once, although its hourly
// interval has not passed.
func TestWatchRecoversFromKill(t *testing.T) {
	tarpit(t, "127.77.46.50:4399")
	db := filepath.Join(t.TempDir(), "lw.db")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := func() (*exec.Cmd, *lockedBuffer) {
		c := cli(t, ctx, "watch", "--every", "1h", "127.77.46.50", "--ports", "4399", "--db", db, "--tick", "200ms")
		out := new(lockedBuffer)
		c.Stderr = out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		return c, out
	}
	waitGroup := func(what string, ok func(*store.WatchGroup) bool) *store.WatchGroup {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if st, err := store.Open(ctx, db); err == nil {
				g, err := st.GetWatchGroup(ctx, "default")
				st.Close()
				if err == nil && ok(g) {
					return g
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	w1, _ := start()
	first := waitGroup("the first scan to start", func(g *store.WatchGroup) bool { return g.LastStatus == store.ScanRunning })
	_ = w1.Process.Kill()
	_ = w1.Wait()

	w2, log2 := start()
	second := waitGroup("a second scan", func(g *store.WatchGroup) bool {
		return g.LastScanID != first.LastScanID && g.LastScanID != ""
	})
	_ = w2.Process.Signal(syscall.SIGINT)
	_ = w2.Wait()
	if !strings.Contains(log2.String(), "left interrupted by the previous watcher") {
		t.Errorf("recovery not logged:\n%s", log2.String())
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc, err := st.GetScan(ctx, first.LastScanID)
	if err != nil || sc.Status != store.ScanInterrupted {
		t.Errorf("the killed watcher's scan: %+v, %v", sc, err)
	}
	if second.LastRun == nil || second.LastRun.Sub(*first.LastRun) > 30*time.Second {
		t.Errorf("second run %v, first %v: the group waited for its interval", second.LastRun, first.LastRun)
	}
}
