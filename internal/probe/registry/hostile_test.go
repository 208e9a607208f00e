package registry

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func runHostile(t *testing.T, h http.HandlerFunc, l probe.Limits) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-Api-Version", "registry/2.0")
		if r.URL.Path == "/v2/" {
			w.Write([]byte("{}"))
			return
		}
		h(w, r)
	})
	return probetest.ExploreHostile(t, New(), l, tg)
}

func limits() probe.Limits {
	l := probe.DefaultLimits()
	l.MaxContainers, l.MaxResponse, l.ReadTimeout = 5, 1<<20, time.Second
	return l
}

func TestHostileLyingCatalog(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v2/_catalog": // ignores n=5
			w.Write([]byte(`{"repositories":["a","b","c","d","e","f","g"]}`))
		case strings.HasSuffix(r.URL.Path, "/tags/list"):
			w.Write([]byte(`{"tags":["latest"]}`))
		case strings.Contains(r.URL.Path, "/manifests/"):
			w.Write([]byte(`{"schemaVersion":2,"config":{"digest":"sha256:00","size":-1},"layers":[{"size":9223372036854775807},{"size":9223372036854775807}]}`))
		default:
			w.Write([]byte(`{"created":"2024-01-01T00:00:00Z","config":{"Env":["A=b"]}}`))
		}
	}, limits())
	if ev.Status != event.StatusOpen || !ev.Dataset.Truncated || len(ev.Dataset.Containers) != 5 {
		t.Fatalf("status %s truncated %v containers %d errors %v", ev.Status, ev.Dataset.Truncated, len(ev.Dataset.Containers), ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Bytes != nil {
			t.Errorf("overflowing layer sizes kept: %d", *c.Bytes)
		}
	}
}

func TestHostileEndlessCatalog(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"repositories":[`))
		chunk := []byte(strings.Repeat(`"x",`, 16<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}, limits())
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}
