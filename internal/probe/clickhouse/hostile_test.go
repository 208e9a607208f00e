package clickhouse

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func runHostile(t *testing.T, h func(w http.ResponseWriter, q string)) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-ClickHouse-Server-Display-Name", "fake")
		q := r.URL.Query().Get("query")
		if q == "SELECT version()" {
			w.Write([]byte("24.3.1.1\n"))
			return
		}
		h(w, q)
	})
	l := probe.DefaultLimits()
	l.MaxResponse, l.ReadTimeout, l.Sample, l.MaxContainers = 1<<20, time.Second, 2, 3
	return probetest.ExploreHostile(t, New(), l, tg)
}

func TestHostileLyingCounts(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, q string) {
		switch {
		case strings.Contains(q, "FROM system.tables"): // LIMIT ignored, lying counts
			w.Write([]byte(strings.Repeat(`{"database":"d","name":"t","engine":"View","total_rows":"-1","total_bytes":1.5}`+"\n", 10)))
		default: // a row, then an error raised mid-stream
			w.Write([]byte(`{"a":1}` + "\n" + `Code: 241, e.displayText() = DB::Exception: Memory limit exceeded` + "\n"))
		}
	})
	if ev.Status != event.StatusOpen || !ev.Dataset.Truncated || len(ev.Dataset.Containers) != 3 {
		t.Fatalf("status %s truncated %v containers %d errors %v", ev.Status, ev.Dataset.Truncated, len(ev.Dataset.Containers), ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Documents != nil || c.Bytes != nil || c.Sampled != 0 {
			t.Errorf("%s: documents %v bytes %v sampled %d (View must not be sampled)", c.Name, c.Documents, c.Bytes, c.Sampled)
		}
	}
}

func TestHostileEndless(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, q string) {
		chunk := []byte(strings.Repeat(`{"database":"d","name":"t","engine":"Log"}`+"\n", 1000))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}

func TestMidStreamError(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, q string) {
		w.Write([]byte(`{"database":"d","name":"t","engine":"Log"}` + "\n" + `Code: 241, e.displayText() = DB::Exception: boom` + "\n"))
	})
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}
