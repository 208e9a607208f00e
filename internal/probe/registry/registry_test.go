package registry

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	for _, key := range []string{"REGISTRY_OPEN", "REGISTRY_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			want := probetest.LabCounts(t, "REGISTRY_REPOS")
			if len(ev.Dataset.Containers) != len(want) {
				t.Errorf("%d repositories, want %d", len(ev.Dataset.Containers), len(want))
			}
			for _, c := range ev.Dataset.Containers {
				n, ok := want[c.Name]
				if !ok {
					t.Errorf("unexpected repository %q", c.Name)
					continue
				}
				if c.Documents == nil || *c.Documents != n {
					t.Errorf("%s tags %v, want %d", c.Name, c.Documents, n)
				}
				if c.Created == nil || c.Created.Year() < 2023 || c.Bytes == nil || *c.Bytes <= 0 {
					t.Errorf("%s created %v bytes %v", c.Name, c.Created, c.Bytes)
				}
				if c.Sampled != 1 || !strings.Contains(string(c.Samples[0].Data), "DB_PASSWORD=") {
					t.Errorf("%s sample %+v", c.Name, c.Samples)
				}
			}
			if !strings.Contains(ev.Access.Proof, "repositories") || ev.Service.Info["api"] != "registry/2.0" {
				t.Errorf("proof %q service %+v", ev.Access.Proof, ev.Service)
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "REGISTRY_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required; errors %v", ev.Status, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}
