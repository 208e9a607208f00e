package influxdb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	for _, key := range []string{"INFLUX_OPEN", "INFLUX_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if !strings.HasPrefix(ev.Service.Version, "1.") || !strings.Contains(ev.Access.Proof, "points") {
				t.Errorf("service %+v proof %q", ev.Service, ev.Access.Proof)
			}
			want := probetest.LabCounts(t, "INFLUX_MEASUREMENTS")
			if len(ev.Dataset.Containers) != len(want) {
				t.Errorf("%d measurements, want %d: %+v", len(ev.Dataset.Containers), len(want), ev.Dataset.Containers)
			}
			for _, c := range ev.Dataset.Containers {
				n, ok := want[c.Name]
				if !ok {
					t.Errorf("unexpected measurement %q", c.Name)
					continue
				}
				if c.Documents == nil || *c.Documents != n {
					t.Errorf("%s points %v, want %d", c.Name, c.Documents, n)
				}
				if c.Sampled != 5 || c.Oldest == nil || c.Oldest.Year() != 2024 {
					t.Errorf("%s sampled %d oldest %v", c.Name, c.Sampled, c.Oldest)
				}
				for _, s := range c.Samples {
					if !json.Valid(s.Data) {
						t.Errorf("%s: sample not JSON: %s", c.Name, s.Data)
					}
				}
			}
			for _, c := range ev.Dataset.Containers {
				if c.Name == "smsgw.sms" && !strings.Contains(string(c.Samples[0].Data), "+1555") {
					t.Errorf("sms sample lacks phone: %s", c.Samples[0].Data)
				}
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "INFLUX_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required; errors %v", ev.Status, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}
