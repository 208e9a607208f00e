package kibana

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func runHostile(t *testing.T, tg probe.Target, l probe.Limits) *event.Event {
	t.Helper()
	return probetest.ExploreHostile(t, New(), l, tg)
}

// hostile serves the real Kibana 7 status, then h for the Console proxy.
func hostile(t *testing.T, h http.HandlerFunc) probe.Target {
	status := fixture(t, "kibana-7-status.json")
	return fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/status" {
			w.Write(status)
			return
		}
		h(w, r)
	})
}

func TestHostileLyingCounts(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Query().Get("path"), "_cat") {
			w.Write([]byte(`[{"index":"a","docs.count":"-5","store.size":"x","creation.date":"99999999999999999999"},{"index":""}]`))
			return
		}
		w.Write([]byte(`{"hits":{"hits":[` + strings.Repeat(`{"_id":"x","_source":{"k":1}},`, 49) + `{"_id":"y","_source":{}}]}}`))
	})
	l := probe.DefaultLimits()
	l.Sample = 3
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen || len(ev.Dataset.Containers) != 1 {
		t.Fatalf("status %s errors %v dataset %+v", ev.Status, ev.Errors, ev.Dataset)
	}
	c := ev.Dataset.Containers[0]
	if c.Documents != nil || c.Bytes != nil || c.Created != nil || c.Sampled != 3 {
		t.Errorf("container %+v", c)
	}
}

func TestHostileEndlessBody(t *testing.T) {
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"index":"`))
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
	tg := hostile(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"not":"a list"`)) })
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}
