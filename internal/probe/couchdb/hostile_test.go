package couchdb

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fakeServer serves h on a loopback lab address (127.77.250.8), for hostile
// behaviour no real server produces.
func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	return probetest.FakeHTTP(t, "127.77.250.8:0", h)
}

func runHostile(t *testing.T, tg probe.Target, l probe.Limits) *event.Event {
	t.Helper()
	return probetest.ExploreHostile(t, New(), l, tg)
}

const welcomeJSON = `{"couchdb":"Welcome","version":"3.3.3"}`

func TestHostileLyingCounts(t *testing.T) {
	tg := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			w.Write([]byte(welcomeJSON))
		case r.URL.Path == "/_all_dbs":
			w.Write([]byte(`["a","b"]`))
		case strings.HasSuffix(r.URL.Path, "/_all_docs"):
			// limit=N ignored, 50 rows returned
			w.Write([]byte(`{"rows":[` + strings.Repeat(`{"id":"x","doc":{"k":1}},`, 49) + `{"id":"y","doc":{"k":2}}]}`))
		default:
			w.Write([]byte(`{"doc_count":-5,"sizes":{"file":-1},"disk_size":9223372036854775807}`))
		}
	})
	l := probe.DefaultLimits()
	l.Sample = 3
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Documents != nil {
			t.Errorf("negative doc_count kept: %d", *c.Documents)
		}
		if c.Sampled != 3 {
			t.Errorf("sampled %d, want 3 (server ignored limit)", c.Sampled)
		}
	}
}

func TestHostileEndlessBody(t *testing.T) {
	tg := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Write([]byte(welcomeJSON))
			return
		}
		w.Write([]byte(`["`))
		chunk := []byte(strings.Repeat("a", 64<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	l := probe.DefaultLimits()
	l.MaxResponse = 1 << 20
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileTarpit(t *testing.T) {
	tg := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Write([]byte(welcomeJSON))
			return
		}
		<-r.Context().Done() // never answer
	})
	l := probe.DefaultLimits()
	l.ReadTimeout = 300 * time.Millisecond
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusTimeout {
		t.Fatalf("status %s, want timeout; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileGarbage(t *testing.T) {
	tg := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Write([]byte(welcomeJSON))
			return
		}
		w.Write([]byte(`{"not":"a list"`))
	})
	ev := runHostile(t, tg, probe.DefaultLimits())
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
	if !errors.Is(probe.Protocolf("x"), probe.ErrProtocol) {
		t.Fatal("unreachable")
	}
}
