package solr

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

const systemJSON = `{"responseHeader":{"status":0},"mode":"std","lucene":{"solr-spec-version":"9.10.1"}}`

func runHostile(t *testing.T, tg probe.Target, l probe.Limits) *event.Event {
	t.Helper()
	return probetest.ExploreHostile(t, New(), l, tg)
}

// hostile answers the system info honestly and everything else with h.
func hostile(t *testing.T, h http.HandlerFunc) probe.Target {
	return fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/solr/admin/info/system" {
			w.Write([]byte(systemJSON))
			return
		}
		h(w, r)
	})
}

func TestHostileLyingCounts(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/solr/admin/cores" {
			w.Write([]byte(`{"status":{"a":{"index":{"numDocs":-5,"sizeInBytes":-1}},"b":{}}}`))
			return
		}
		// rows=N ignored: 50 documents
		w.Write([]byte(`{"response":{"numFound":-3,"docs":[` + strings.Repeat(`{"id":"x"},`, 49) + `{"id":"y"}]}}`))
	})
	l := probe.DefaultLimits()
	l.Sample = 3
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen || len(ev.Dataset.Containers) != 2 {
		t.Fatalf("status %s errors %v dataset %+v", ev.Status, ev.Errors, ev.Dataset)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Documents != nil || c.Bytes != nil {
			t.Errorf("%s: negative counts kept: %v %v", c.Name, c.Documents, c.Bytes)
		}
		if c.Sampled != 3 {
			t.Errorf("%s: sampled %d, want 3", c.Name, c.Sampled)
		}
	}
}

func TestHostileManyCores(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`{"status":{`)
		for i := range 500 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"c` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("0", i/26) + `":{}`)
		}
		b.WriteString(`}}`)
		w.Write([]byte(b.String()))
	})
	l := probe.DefaultLimits()
	l.Sample, l.MaxContainers = 0, 10
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen || len(ev.Dataset.Containers) != 10 || !ev.Dataset.Truncated {
		t.Fatalf("status %s containers %d truncated %v", ev.Status, len(ev.Dataset.Containers), ev.Dataset != nil && ev.Dataset.Truncated)
	}
}

func TestHostileEndlessBody(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":{"`))
		chunk := []byte(strings.Repeat("a", 64<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	l := probe.DefaultLimits()
	l.MaxResponse = 1 << 20
	if ev := runHostile(t, tg, l); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileTarpit(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	l := probe.DefaultLimits()
	l.ReadTimeout = 300 * time.Millisecond
	if ev := runHostile(t, tg, l); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s, want timeout; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileGarbage(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":[1,2`)) })
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}
