package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

func TestExposedSinceSources(t *testing.T) {
	dataCreated := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	noteCreated := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	firstSeen := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	prevTime := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)

	withHints := func() *event.Event {
		c := container("index", "customers", 5000, 50)
		c.Created = ptrTime(dataCreated)
		c.Oldest = ptrTime(dataCreated.Add(-24 * time.Hour)) // imported older data
		ev := openEvent("elasticsearch", event.AccessData, c)
		ev.Service.Info["uptime_seconds"] = "25920000" // 300 days
		return ev
	}
	cases := []struct {
		name      string
		ev        *event.Event
		prev      *event.Event
		firstSeen time.Time
		want      time.Time
		source    string
	}{
		{"no history: this scan, never the older data or uptime", withHints(), nil, time.Time{}, scanTime, "this scan"},
		{"first seen", withHints(), nil, firstSeen, firstSeen, "first seen"},
		{"previous observation older than first seen", withHints(),
			func() *event.Event { p := withHints(); p.Time = prevTime; return p }(), firstSeen, prevTime, "previous observation"},
		{"a previous closed observation proves nothing", withHints(),
			func() *event.Event {
				p := withHints()
				p.Time = prevTime
				p.Status = event.StatusAuthRequired
				return p
			}(),
			firstSeen, firstSeen, "first seen"},
		{"ransom note created before first seen", func() *event.Event {
			ev := withHints()
			note := container("index", "read_me", 1, 1)
			note.Created = ptrTime(noteCreated)
			ev.Dataset.Containers = append(ev.Dataset.Containers, note)
			return ev
		}(), nil, firstSeen, noteCreated, "ransom note created"},
		{"future first seen (bad clock) falls back to this scan", withHints(), nil, scanTime.Add(48 * time.Hour), scanTime, "this scan"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			Assess(tc.ev, tc.prev, tc.firstSeen)
			es := tc.ev.Assessment.ExposedSince
			if es == nil || !es.Time.Equal(tc.want) || es.Source != tc.source {
				t.Fatalf("got %+v, want %s from %q", es, tc.want, tc.source)
			}
			if es.Evidence == "" {
				t.Error("no evidence")
			}
			var sources []string
			for _, h := range es.Hints {
				sources = append(sources, h.Source)
				if !h.Time.Before(es.Time) {
					t.Errorf("hint %+v is not older than the bound", h)
				}
			}
			// Oldest record first, then the index creation, then the process start.
			if got := strings.Join(sources, ","); got != "oldest record,index creation_date,server uptime" {
				t.Errorf("hints %s", got)
			}
			up := es.Hints[2]
			if want := scanTime.Add(-300 * 24 * time.Hour); !up.Time.Equal(want) || !strings.Contains(up.Evidence, "300 days") {
				t.Errorf("uptime hint %+v, want %s", up, want)
			}
		})
	}
}

func TestHostileUptimeIgnored(t *testing.T) {
	for _, v := range []string{"-5", "NaN", "1e30", "abc", "0"} {
		ev := openEvent("redis", event.AccessData)
		ev.Service.Info["uptime_seconds"] = v
		Assess(ev, nil, time.Time{})
		if h := ev.Assessment.ExposedSince.Hints; len(h) != 0 {
			t.Errorf("uptime %q gave hints %+v", v, h)
		}
	}
}
