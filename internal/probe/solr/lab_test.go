package solr

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	for _, key := range []string{"SOLR_OPEN", "SOLR_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if ev.Service.Product != "Solr" || !strings.HasPrefix(ev.Service.Version, "9.") {
				t.Errorf("service %+v", ev.Service)
			}
			if ev.Service.Info["cores_loaded_at"] == "" {
				t.Errorf("no core start time: %+v", ev.Service.Info)
			}
			want := probetest.LabCounts(t, "SOLR_CORES")
			got := map[string]event.Container{}
			for _, c := range ev.Dataset.Containers {
				got[c.Name] = c
			}
			for name, n := range want {
				c, ok := got[name]
				if !ok {
					t.Errorf("core %s missing", name)
					continue
				}
				if c.Documents == nil || *c.Documents != n {
					t.Errorf("core %s documents %v, want %d", name, c.Documents, n)
				}
				if c.Bytes == nil || *c.Bytes <= 0 {
					t.Errorf("core %s has no size", name)
				}
				if c.Sampled != min(int(n), 5) || len(c.Samples) != c.Sampled {
					t.Errorf("core %s sampled %d (%d samples)", name, c.Sampled, len(c.Samples))
				}
			}
			sms := got["smsgw"]
			if !strings.Contains(strings.Join(sms.Fields, ","), "body") || !strings.Contains(string(sms.Samples[0].Data), "+1555") {
				t.Errorf("smsgw fields %v sample %q", sms.Fields, sms.Samples[0].Data)
			}
			if !strings.Contains(ev.Access.Proof, "documents") {
				t.Errorf("proof %q", ev.Access.Proof)
			}
		})
	}
}

func TestMetadataOnlyWithoutSampling(t *testing.T) {
	env := testEnv()
	env.Limits.Sample = 0
	ev := probetest.IdentifyAndExplore(t, New(), env, probetest.LabTarget(t, "SOLR_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata {
		t.Fatalf("status %s access %+v", ev.Status, ev.Access)
	}
	for _, c := range ev.Dataset.Containers {
		if len(c.Samples) != 0 {
			t.Errorf("%s sampled with Sample=0", c.Name)
		}
	}
}

func TestAuthRequired(t *testing.T) {
	tg := probetest.LabTarget(t, "SOLR_AUTH")
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Fatalf("status %s access %+v dataset %+v", ev.Status, ev.Access, ev.Dataset)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := New().Explore(ctx, testEnv(), tg, event.New(tg.Addr(), tg.IP.String(), tg.Port))
	if !errors.Is(err, probe.ErrAuthRequired) {
		t.Fatalf("Explore error %v, want ErrAuthRequired", err)
	}
}
