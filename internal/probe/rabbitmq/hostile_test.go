package rabbitmq

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func runHostile(t *testing.T, h http.HandlerFunc) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pathOverview {
			w.Write([]byte(`{"rabbitmq_version":"3.13.0","management_version":"3.13.0"}`))
			return
		}
		h(w, r)
	})
	l := probe.DefaultLimits()
	l.MaxResponse, l.ReadTimeout, l.Sample, l.MaxContainers = 1<<20, time.Second, 2, 3
	return probetest.ExploreHostile(t, New(), l, tg)
}

func TestHostileLyingCounts(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/queues": // page_size ignored, negative counts
			w.Write([]byte(`{"total_count":2,"items":[` + strings.Repeat(`{"name":"q","messages":-1,"message_bytes":-9},`, 9) + `{"name":"q"}]}`))
		default:
			w.Write([]byte(`{"users":[` + strings.Repeat(`{"name":"u","password_hash":"x"},`, 9) + `{"name":"v"}]}`))
		}
	})
	if ev.Status != event.StatusOpen || len(ev.Dataset.Containers) != 4 || !ev.Dataset.Truncated {
		t.Fatalf("status %s containers %d truncated %v errors %v", ev.Status, len(ev.Dataset.Containers), ev.Dataset.Truncated, ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Kind == "queue" && (c.Documents != nil || c.Bytes != nil) {
			t.Errorf("negative counts kept: %+v", c)
		}
		if c.Kind == "users" && c.Sampled != 2 {
			t.Errorf("users sampled %d, limit 2", c.Sampled)
		}
	}
}

func TestHostileEndless(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"items":[`))
		chunk := []byte(strings.Repeat(`{"name":"q"},`, 5000))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	// Overview already proved access: the inventory errors are recorded, the status stays open.
	if ev.Status != event.StatusOpen || len(ev.Errors) != 2 || !strings.Contains(ev.Errors[0], "larger than limit") {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}
