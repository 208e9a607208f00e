package prometheus

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

const buildInfoJSON = `{"status":"success","data":{"version":"2.42.0"}}`

func runHostile(t *testing.T, h http.HandlerFunc, l probe.Limits) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, h)
	return probetest.ExploreHostile(t, New(), l, tg)
}

func limits(sample int, maxResponse int64) probe.Limits {
	l := probe.DefaultLimits()
	l.Sample, l.MaxResponse, l.ReadTimeout = sample, maxResponse, time.Second
	return l
}

func TestHostileLyingCounts(t *testing.T) {
	many := `{"scrapeUrl":"http://x.corp.internal/metrics","labels":{"job":"x"}},`
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case pathBuildInfo:
			w.Write([]byte(buildInfoJSON))
		case "/api/v1/targets":
			w.Write([]byte(`{"status":"success","data":{"activeTargets":[` + strings.Repeat(many, 99) + strings.TrimSuffix(many, ",") + `]}}`))
		case "/api/v1/status/tsdb":
			w.Write([]byte(`{"status":"success","data":{"headStats":{"numSeries":-7}}}`))
		default:
			w.Write([]byte(`{"status":"error","error":"nope"}`))
		}
	}, limits(3, 1<<20))
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Name == "series" && c.Documents != nil {
			t.Errorf("negative series count kept: %d", *c.Documents)
		}
		if c.Name == "targets" && (c.Sampled != 3 || *c.Documents != 100) {
			t.Errorf("targets sampled %d of %d", c.Sampled, *c.Documents)
		}
	}
}

func TestHostileEndlessBody(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pathBuildInfo {
			w.Write([]byte(buildInfoJSON))
			return
		}
		w.Write([]byte(`{"status":"success","data":{"yaml":"`))
		chunk := []byte(strings.Repeat("a", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}, limits(3, 1<<20))
	if ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}
