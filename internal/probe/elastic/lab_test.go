package elastic

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
)

// wantFields are field names every seeded index must report.
var wantFields = map[string][]string{
	"sms-logs-2024.01": {"to", "body", "sent_at"},
	"customers":        {"name", "email", "phone"},
	"config":           {"db_password", "aws_access_key_id"},
	"read_me":          {"message"},
}

// checkOpen asserts the inventory of a seeded open instance.
func checkOpen(t *testing.T, ev *event.Event, seedKey string, wantCreated bool) {
	t.Helper()
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %q, want open (errors %q)", ev.Status, ev.Errors)
	}
	if !ev.Access.Anonymous || ev.Access.Level != event.AccessData || !strings.Contains(ev.Access.Proof, "sampled") {
		t.Errorf("access %+v: want anonymous data access with a sampling proof", ev.Access)
	}
	if ev.Dataset.Truncated {
		t.Errorf("inventory truncated: %q", ev.Errors)
	}
	for name, want := range seedCounts(t, seedKey) {
		c := container(ev, name)
		if c == nil {
			t.Errorf("index %q missing from inventory", name)
			continue
		}
		if c.Documents == nil || *c.Documents != want {
			t.Errorf("index %q: documents %v, want %d", name, c.Documents, want)
		}
		if wantCreated && c.Created == nil {
			t.Errorf("index %q: no creation date", name)
		}
		if c.Kind != "index" {
			t.Errorf("index %q: kind %q", name, c.Kind)
		}
		for _, f := range wantFields[name] {
			if !slices.Contains(c.Fields, f) {
				t.Errorf("index %q: field %q missing from %q", name, f, c.Fields)
			}
		}
		if want > 0 && (c.Sampled == 0 || len(c.Samples) != c.Sampled) {
			t.Errorf("index %q: sampled %d, samples %d", name, c.Sampled, len(c.Samples))
		}
		if c.Sampled > testEnv().Limits.Sample {
			t.Errorf("index %q: sampled %d > limit", name, c.Sampled)
		}
	}
	sms := container(ev, "sms-logs-2024.01")
	if sms != nil && len(sms.Samples) > 0 && !strings.Contains(string(sms.Samples[0].Data), "verification code") {
		t.Errorf("sms sample does not look like the seeded data: %.200s", sms.Samples[0].Data)
	}
	var ransom *event.Indicator
	for i := range ev.Indicators {
		if ev.Indicators[i].Kind == "ransom-note" {
			ransom = &ev.Indicators[i]
		}
	}
	if ransom == nil || ransom.Container != "read_me" || !strings.Contains(ransom.Detail, "bitcoin address bc1qxy") {
		t.Errorf("ransom-note indicator: got %+v (all %+v)", ransom, ev.Indicators)
	}
}

func TestZincOpen(t *testing.T) {
	addr := labtest.Get(t, "ZINC_OPEN")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Product != productZincSearch {
		t.Fatalf("identify: %+v", svc)
	}
	checkOpen(t, ev, "ZINC_SEED", false)
	t.Logf("proof: %s; errors %q", ev.Access.Proof, ev.Errors)
}

func TestZincAuth(t *testing.T) {
	addr := labtest.Get(t, "ZINC_AUTH")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Product != productZincSearch {
		t.Fatalf("identify: %+v", svc)
	}
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Dataset != nil {
		t.Fatalf("status %q access %+v dataset %v errors %q: want auth-required, nothing read", ev.Status, ev.Access, ev.Dataset, ev.Errors)
	}
	if ev.Service.Version != "0.4.10" || ev.Service.Info["es_version_claimed"] == "" {
		t.Errorf("service %+v: want ZincSearch's own version from /version and the claimed ES version", ev.Service)
	}
}

// TestOddPort: the open ZincSearch behind nginx on 127.77.3.7:6379 is
// identified by its answer, not by the port.
func TestOddPort(t *testing.T) {
	addr := labtest.Get(t, "ES_ODD")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Name != "elasticsearch" {
		t.Fatalf("identify on %s: %+v", addr, svc)
	}
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %q errors %q", ev.Status, ev.Errors)
	}
}

func TestOpenSearchOpen(t *testing.T) {
	addr := labtest.Get(t, "OPENSEARCH_OPEN")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Product != productOpenSearch || !strings.HasPrefix(svc.Version, "2.") {
		t.Fatalf("identify: %+v", svc)
	}
	checkOpen(t, ev, "OPENSEARCH_SEED", true)
	if ev.Service.Info["cluster_name"] == "" || ev.Service.Info["cluster_status"] == "" {
		t.Errorf("service info %v: want cluster name and status", ev.Service.Info)
	}
	if len(ev.Errors) != 0 {
		t.Errorf("unexpected notes on a healthy server: %q", ev.Errors)
	}
	t.Logf("proof: %s", ev.Access.Proof)
}

func TestOpenSearchAuth(t *testing.T) {
	addr := labtest.Get(t, "OPENSEARCH_AUTH")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Product != productOpenSearch {
		t.Fatalf("identify: %+v", svc)
	}
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Dataset != nil {
		t.Fatalf("status %q access %+v: want auth-required", ev.Status, ev.Access)
	}
}

func TestES7Open(t *testing.T) {
	addr := labtest.Get(t, "ES7_OPEN")
	svc, ev := scan(t, testEnv(), addr)
	if svc == nil || svc.Product != productElasticsearch || !strings.HasPrefix(svc.Version, "7.17") {
		t.Fatalf("identify: %+v", svc)
	}
	checkOpen(t, ev, "ES7_SEED", true)
}

// TestLimits: with --sample 0 nothing is read but counts stay exact
// (ZincSearch's counts then come from size-0 searches); samples are cut at
// MaxSampleBytes; MaxContainers cuts the inventory, keeping the ransom note.
func TestLimits(t *testing.T) {
	for _, key := range []string{"ZINC_OPEN", "OPENSEARCH_OPEN"} {
		t.Run(key, func(t *testing.T) {
			addr := labtest.Get(t, key)
			seed := seedCounts(t, strings.TrimSuffix(key, "_OPEN")+"_SEED")

			env := testEnv()
			env.Limits.Sample = 0
			_, ev := scan(t, env, addr)
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata {
				t.Fatalf("sample 0: status %q access %+v", ev.Status, ev.Access)
			}
			for name, want := range seed {
				c := container(ev, name)
				if c == nil || c.Documents == nil || *c.Documents != want || len(c.Samples) != 0 {
					t.Errorf("sample 0: %s = %+v, want %d documents and no samples", name, c, want)
				}
			}

			env = testEnv()
			env.Limits.Sample, env.Limits.MaxSampleBytes = 2, 16
			_, ev = scan(t, env, addr)
			for _, c := range ev.Dataset.Containers {
				for _, s := range c.Samples {
					if len(s.Data) > 16 || s.Format != "text" {
						t.Errorf("%s: sample of %d bytes, format %q", c.Name, len(s.Data), s.Format)
					}
				}
				if c.Sampled > 2 {
					t.Errorf("%s: %d sampled > 2", c.Name, c.Sampled)
				}
			}

			env = testEnv()
			env.Limits.MaxContainers = 2
			_, ev = scan(t, env, addr)
			if len(ev.Dataset.Containers) != 2 || !ev.Dataset.Truncated || ev.Dataset.Containers[0].Name != "read_me" {
				t.Errorf("max 2 containers: %d containers, truncated %v, first %q",
					len(ev.Dataset.Containers), ev.Dataset.Truncated, ev.Dataset.Containers[0].Name)
			}
		})
	}
}
