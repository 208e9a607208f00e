package clickhouse

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	for _, key := range []string{"CLICKHOUSE_OPEN", "CLICKHOUSE_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if !looksLikeVersion(ev.Service.Version) || !strings.Contains(ev.Access.Proof, "rows from") {
				t.Errorf("service %+v proof %q", ev.Service, ev.Access.Proof)
			}
			want := probetest.LabCounts(t, "CLICKHOUSE_TABLES")
			if len(ev.Dataset.Containers) != len(want) {
				t.Errorf("%d tables, want %d: %+v", len(ev.Dataset.Containers), len(want), ev.Dataset.Containers)
			}
			for _, c := range ev.Dataset.Containers {
				n, ok := want[c.Name]
				if !ok {
					t.Errorf("unexpected table %q", c.Name)
					continue
				}
				if c.Documents == nil || *c.Documents != n {
					t.Errorf("%s rows %v, want %d", c.Name, c.Documents, n)
				}
				if c.Sampled != min(int(n), 5) || c.Created == nil || len(c.Fields) == 0 {
					t.Errorf("%s sampled %d created %v fields %v", c.Name, c.Sampled, c.Created, c.Fields)
				}
				if strings.HasSuffix(c.Name, "sms_logs") && (c.Bytes == nil || *c.Bytes <= 0) {
					t.Errorf("%s bytes %v", c.Name, c.Bytes)
				}
				for _, s := range c.Samples {
					if !json.Valid(s.Data) {
						t.Errorf("%s: sample not JSON: %s", c.Name, s.Data)
					}
				}
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "CLICKHOUSE_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required; errors %v", ev.Status, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}
