package couchdb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

var labTarget = probetest.LabTarget

func testEnv() *probe.Env { return probetest.Env(5) }

func explore(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.IdentifyAndExplore(t, New(), testEnv(), tg)
}

func TestOpen(t *testing.T) {
	for _, key := range []string{"COUCHDB_OPEN", "COUCHDB_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := explore(t, labTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if !strings.Contains(ev.Access.Proof, "documents") {
				t.Errorf("proof %q names no documents", ev.Access.Proof)
			}
			want := probetest.LabCounts(t, "COUCHDB_DBS")
			got := map[string]event.Container{}
			for _, c := range ev.Dataset.Containers {
				got[c.Name] = c
			}
			for name, n := range want {
				c, ok := got[name]
				if !ok {
					t.Errorf("database %s missing; got %v", name, ev.Dataset.Containers)
					continue
				}
				if c.Documents == nil || *c.Documents != n {
					t.Errorf("%s documents = %v, want %d", name, c.Documents, n)
				}
				if c.Bytes == nil || *c.Bytes <= 0 {
					t.Errorf("%s has no size", name)
				}
				if wantS := min(int(n), 5); c.Sampled != wantS || len(c.Samples) != wantS {
					t.Errorf("%s sampled %d (%d samples), want %d", name, c.Sampled, len(c.Samples), wantS)
				}
				for _, s := range c.Samples {
					if !json.Valid(s.Data) {
						t.Errorf("%s sample %s is not JSON", name, s.Key)
					}
				}
			}
			if !strings.Contains(string(got["smsgw"].Samples[0].Data), "+1555") {
				t.Errorf("smsgw sample lacks the seeded phone number: %s", got["smsgw"].Samples[0].Data)
			}
			if ev.Service.Product == "" || ev.Service.Version == "" {
				t.Errorf("service %+v", ev.Service)
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	ev := explore(t, labTarget(t, "COUCHDB_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required; access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("auth-required server reported data: access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}

func TestUsersIndicator(t *testing.T) {
	ev := explore(t, labTarget(t, "COUCHDB_OPEN"))
	for _, in := range ev.Indicators {
		if in.Kind == "users-readable" && in.Container == "_users" {
			return
		}
	}
	t.Fatalf("no users-readable indicator: %+v", ev.Indicators)
}
