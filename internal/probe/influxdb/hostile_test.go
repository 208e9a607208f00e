package influxdb

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func runHostile(t *testing.T, h func(q string) string) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Influxdb-Version", "1.8.10")
		if r.URL.Path == "/ping" {
			w.WriteHeader(204)
			return
		}
		w.Write([]byte(h(r.URL.Query().Get("q"))))
	})
	l := probe.DefaultLimits()
	l.MaxResponse, l.ReadTimeout, l.Sample, l.MaxContainers = 1<<20, time.Second, 2, 4
	return probetest.ExploreHostile(t, New(), l, tg)
}

func TestHostileLyingCounts(t *testing.T) {
	ev := runHostile(t, func(q string) string {
		switch {
		case q == "SHOW DATABASES":
			return `{"results":[{"series":[{"columns":["name"],"values":[["a"],["b"],[1],[]]}]}]}`
		case strings.HasPrefix(q, "SHOW MEASUREMENTS"):
			return `{"results":[{"series":[{"columns":["name"],"values":[["m1"],["m2"],["m3"]]}]}]}`
		case strings.HasPrefix(q, "SELECT COUNT"):
			return `{"results":[{"series":[{"columns":["time","count_a","count_b"],"values":[["x",-3,1e300]]}]}]}`
		default: // LIMIT ignored: 10 rows, more values than columns
			return `{"results":[{"series":[{"columns":["time"],"values":[` + strings.Repeat(`["2024-01-01T00:00:00Z",1,2],`, 9) + `[]]}]}]}`
		}
	})
	if ev.Status != event.StatusOpen || !ev.Dataset.Truncated || len(ev.Dataset.Containers) != 4 {
		t.Fatalf("status %s truncated %v containers %d errors %v", ev.Status, ev.Dataset.Truncated, len(ev.Dataset.Containers), ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Documents != nil || c.Sampled != 2 {
			t.Errorf("%s documents %v sampled %d", c.Name, c.Documents, c.Sampled)
		}
	}
}

func TestHostileEndless(t *testing.T) {
	ev := runHostile(t, func(q string) string {
		return `{"results":[{"series":[{"columns":["name"],"values":[` + strings.Repeat(`["x"],`, 300000)
	})
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}
