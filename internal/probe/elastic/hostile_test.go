package elastic

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Fakes here reproduce only what no real server does on purpose: tarpits,
// endless or compressed bodies, offsite redirects, lying counts, hostile names.

func hostileEnv() *probe.Env {
	l := probe.DefaultLimits()
	l.ConnectTimeout = time.Second
	l.ReadTimeout = 300 * time.Millisecond
	l.IdentifyTimeout = 2 * time.Second
	l.ExploreTimeout = 3 * time.Second
	l.MaxResponse = 256 << 10
	l.MaxBytes = 1 << 20
	return probe.NewEnv(l)
}

const fakeBanner = `{"name":"n1","cluster_name":"prod","cluster_uuid":"abc","version":{"number":"7.10.2","lucene_version":"8.7.0"},"tagline":"You Know, for Search"}`

// esFake answers the banner and delegates everything else to h.
func esFake(h func(w http.ResponseWriter, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, fakeBanner)
			return
		}
		h(w, r)
	})
}

// exploreTimed runs Explore and checks it ended within the explore limit.
func exploreTimed(t *testing.T, env *probe.Env, addr string) *event.Event {
	t.Helper()
	start := time.Now()
	_, ev := scan(t, env, addr)
	if d := time.Since(start); d > env.Limits.IdentifyTimeout+env.Limits.ExploreTimeout+time.Second {
		t.Errorf("took %v, beyond the limits", d)
	}
	return ev
}

func TestHostileTarpit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.77.44.2:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // hold it open, say nothing
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	ev := exploreTimed(t, hostileEnv(), ln.Addr().String())
	if ev.Status != event.StatusTimeout {
		t.Fatalf("status %q (%q), want timeout", ev.Status, ev.Errors)
	}
}

func TestHostileEndlessBody(t *testing.T) {
	addr := fakeServer(t, "127.77.44.3", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(`{"a":"b"},`), 1000)
		w.Write([]byte("["))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	ev := exploreTimed(t, hostileEnv(), addr)
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %q (%q), want too-large", ev.Status, ev.Errors)
	}
}

// gzipBomb is 64 MiB of zeros, gzip-compressed (≈ 64 KiB).
func gzipBomb(t *testing.T) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

func TestHostileGzipBomb(t *testing.T) {
	bomb := gzipBomb(t)
	addr := fakeServer(t, "127.77.44.4", esFake(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	}))
	env := hostileEnv()
	ev := exploreTimed(t, env, addr)
	// httpx never asks for or inflates compression: the bomb is read as the
	// few KiB it is, and is not JSON.
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %q (%q), want protocol-error", ev.Status, ev.Errors)
	}
}

func TestHostileRedirectOffsite(t *testing.T) {
	var dialed []string
	var mu sync.Mutex
	addr := fakeServer(t, "127.77.44.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://198.51.100.7:9200/", http.StatusFound)
	}))
	env := hostileEnv()
	env.Dialer = func(ctx context.Context, network, a string) (net.Conn, error) {
		mu.Lock()
		dialed = append(dialed, a)
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, a)
	}
	svc, ev := scan(t, env, addr)
	if svc != nil {
		t.Errorf("identified a redirect as %+v", svc)
	}
	if ev.Status != event.StatusOutOfScope {
		t.Fatalf("status %q (%q), want out-of-scope", ev.Status, ev.Errors)
	}
	for _, a := range dialed {
		if a != addr {
			t.Errorf("dialled %s, outside the target %s", a, addr)
		}
	}
}

func TestHostileLyingCounts(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	addr := fakeServer(t, "127.77.44.6", esFake(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.RawPath+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/_cat/indices"):
			fmt.Fprint(w, `[
				{"index":"huge","docs.count":"9223372036854775808","store.size":"-5","creation.date":"-1"},
				{"index":"neg","docs.count":-3,"store.size":"1e999","creation.date":"99999999999999999"},
				{"index":"ok","docs.count":"7","store.size":"4096","creation.date":"1700000000000"},
				{"index":"_shutdown","docs.count":"1"},{"index":"..","docs.count":"1"},{"index":"a,b*","docs.count":"1"},
				{"index":"ok","docs.count":"1"},{"index":42},{"index":"closed","status":"close","docs.count":""}]`)
		case r.URL.Path == "/_mapping":
			fmt.Fprint(w, `{"ok":{"mappings":{"properties":{"a":{"type":"text"},"b":{"properties":{"c":{"type":"long"}}}}}},"huge":{"mappings":[]}}`)
		case strings.HasSuffix(r.URL.Path, "/_search"):
			fmt.Fprint(w, `{"hits":{"total":{"value":18446744073709551616,"relation":"eq"},"hits":[{"_index":"ok","_id":"1","_source":{"x":1}},{"_index":"other","_id":"2","_source":{"y":2}}]}}`)
		default:
			w.WriteHeader(404)
		}
	}))
	ev := exploreTimed(t, hostileEnv(), addr)
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %q (%q), want open", ev.Status, ev.Errors)
	}
	for _, name := range []string{"huge", "neg"} {
		c := container(ev, name)
		if c == nil || c.Documents != nil || c.Bytes != nil || c.Created != nil {
			t.Errorf("%s: %+v, want unknown counts and date", name, c)
		}
	}
	ok := container(ev, "ok")
	if ok == nil || ok.Documents == nil || *ok.Documents != 7 || ok.Created == nil || ok.Created.Year() != 2023 ||
		strings.Join(ok.Fields, ",") != "a,b,b.c" || ok.Sampled != 1 {
		t.Errorf("ok: %+v", ok)
	}
	if ev.Dataset.Totals.Documents != 7+1+1+1 { // ok + the three hostile names (listed, never requested)
		t.Errorf("totals %+v", ev.Dataset.Totals)
	}
	if !strings.Contains(strings.Join(ev.Errors, "\n"), "not a valid count") {
		t.Errorf("no note about the invalid counts: %q", ev.Errors)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		if strings.Contains(p, "_shutdown") || strings.Contains(p, "..") || strings.Contains(p, "a,b") || strings.Contains(p, "closed/") {
			t.Errorf("requested %q: a hostile or closed index name reached a request", p)
		}
	}
}

func TestHostileDeepJSON(t *testing.T) {
	addr := fakeServer(t, "127.77.44.7", esFake(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("["), 200000))
	}))
	ev := exploreTimed(t, hostileEnv(), addr)
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %q (%q), want protocol-error", ev.Status, ev.Errors)
	}
}

// TestMsearchFallback: an _msearch answer that does not match the request
// (fewer results), or whose items fail with 400, sends the probe back to one
// search per index; the samples are the same.
func TestMsearchFallback(t *testing.T) {
	for _, mode := range []string{"short", "item-400"} {
		t.Run(mode, func(t *testing.T) {
			var mu sync.Mutex
			single := 0
			addr := fakeServer(t, "127.77.44.8", esFake(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case strings.HasPrefix(r.URL.Path, "/_cat/indices"):
					fmt.Fprint(w, `[{"index":"a","docs.count":"1"},{"index":"b","docs.count":"1"},{"index":"c","docs.count":"1"}]`)
				case r.URL.Path == "/_msearch" && mode == "short":
					fmt.Fprint(w, `{"responses":[{"hits":{"hits":[{"_index":"a","_id":"1","_source":{"x":1}}]}}]}`)
				case r.URL.Path == "/_msearch":
					fmt.Fprint(w, `{"responses":[{"error":{"type":"x"},"status":400},{"error":{"type":"x"},"status":400},{"error":"gone","status":404}]}`)
				case strings.HasSuffix(r.URL.Path, "/_search"):
					mu.Lock()
					single++
					mu.Unlock()
					idx := strings.Split(r.URL.Path, "/")[1]
					fmt.Fprintf(w, `{"hits":{"total":1,"hits":[{"_index":%q,"_id":"1","_source":{"x":1}}]}}`, idx)
				default:
					w.WriteHeader(404)
				}
			}))
			env := hostileEnv()
			env.Limits.Sample, env.Limits.MaxSampleBytes = 2, 1024 // batches of up to 20
			ev := exploreTimed(t, env, addr)
			want := map[string]int{"short": 3, "item-400": 2}[mode]
			if ev.Status != event.StatusOpen || single != want {
				t.Fatalf("status %q, %d single searches (want %d), errors %q", ev.Status, single, want, ev.Errors)
			}
			for _, name := range []string{"a", "b"} {
				if c := container(ev, name); c == nil || c.Sampled != 1 {
					t.Errorf("%s: %+v", name, c)
				}
			}
		})
	}
}
