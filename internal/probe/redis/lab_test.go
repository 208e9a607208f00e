package redis_test

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/redis"
)

func explore(t *testing.T, env *probe.Env, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreTarget(ctx(t), redis.New(), env, tg)
}

func TestOpenInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "REDIS_OPEN")
	env := testEnv()
	svc, err := redis.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify = %v, %v; want Redis", svc, err)
	}
	if svc.Product != "Redis" || svc.Version == "" || svc.Info["redis_mode"] != "standalone" {
		t.Errorf("service = %+v", svc)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	db0, db1 := probetest.LabInt(t, "REDIS_OPEN_DB0_KEYS"), probetest.LabInt(t, "REDIS_OPEN_DB1_KEYS")
	want := map[string]int64{"db0": db0, "db1": db1}
	if len(ev.Dataset.Containers) != 2 {
		t.Fatalf("containers = %+v", ev.Dataset.Containers)
	}
	for _, c := range ev.Dataset.Containers {
		if c.Kind != "database" || c.Documents == nil || *c.Documents != want[c.Name] {
			t.Errorf("container %s kind %s documents %v, want %d", c.Name, c.Kind, c.Documents, want[c.Name])
		}
		if c.Sampled == 0 || len(c.Samples) > env.Limits.Sample || c.Sampled != len(c.Samples) {
			t.Errorf("container %s: sampled %d, %d samples (limit %d)", c.Name, c.Sampled, len(c.Samples), env.Limits.Sample)
		}
		for _, s := range c.Samples {
			if len(s.Data) == 0 || len(s.Data) > env.Limits.MaxSampleBytes {
				t.Errorf("sample %q: %d bytes", s.Key, len(s.Data))
			}
		}
	}
	if got := ev.Dataset.Totals.Documents; got != probetest.LabInt(t, "REDIS_OPEN_KEYS") {
		t.Errorf("total keys = %d", got)
	}
	if ev.Dataset.Containers[0].Sampled != env.Limits.Sample {
		t.Errorf("db0 sampled %d, want %d", ev.Dataset.Containers[0].Sampled, env.Limits.Sample)
	}
	if !strings.Contains(strings.Join(ev.Dataset.Containers[0].Fields, ","), "body") {
		t.Errorf("db0 fields %v: want the sms hash fields", ev.Dataset.Containers[0].Fields)
	}
	p := ev.Access.Proof
	if !strings.Contains(p, "db0 keys=1005") || !strings.Contains(p, "SCAN returned 1007 keys") || !strings.Contains(p, "read 12 values") {
		t.Errorf("proof = %q", p)
	}
	if strings.Contains(p, "sms:") || strings.Contains(p, "postgres://") {
		t.Errorf("proof leaks key names: %q", p)
	}
	if len(ev.Indicators) != 0 {
		t.Errorf("indicators on a clean server: %+v", ev.Indicators)
	}
}

func TestAuthInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "REDIS_AUTH")
	env := testEnv()
	svc, err := redis.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Info["auth"] != "NOAUTH" {
		t.Fatalf("Identify = %+v, %v; want Redis with NOAUTH", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Access.Level != event.AccessNone {
		t.Fatalf("status %s access %+v", ev.Status, ev.Access)
	}
	if ev.Dataset != nil {
		t.Errorf("dataset on an auth-required server: %+v", ev.Dataset)
	}
	if !strings.Contains(ev.Access.Proof, "NOAUTH") {
		t.Errorf("proof = %q", ev.Access.Proof)
	}
}

func TestOddPortIdentified(t *testing.T) {
	tg := probetest.LabTarget(t, "REDIS_ODD")
	p, svc := probe.Identify(ctx(t), testEnv(), knownProbes(), tg)
	if p == nil || p.Name() != "redis" || svc.Product != "Redis" {
		t.Fatalf("Identify on %s = %v, %+v", tg.Addr(), p, svc)
	}
}

// TestAttackedInstance explores the odd-port instance, which the lab made
// look attacked: dir points at a crontab directory and db0 holds a ransom note.
func TestAttackedInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "REDIS_ODD")
	ev := explore(t, testEnv(), tg)
	if ev.Status != event.StatusOpen || *ev.Dataset.Containers[0].Documents != probetest.LabInt(t, "REDIS_ODD_DB0_KEYS") {
		t.Fatalf("status %s dataset %+v", ev.Status, ev.Dataset)
	}
	kinds := map[string]string{}
	for _, in := range ev.Indicators {
		kinds[in.Kind] = in.Detail
	}
	if !strings.Contains(kinds["ransom-note"], "READ_ME_TO_RECOVER") || !strings.Contains(kinds["suspicious-config"], "crontab") {
		t.Errorf("indicators %+v", ev.Indicators)
	}
	var note bool
	for _, s := range ev.Dataset.Containers[0].Samples {
		note = note || strings.Contains(string(s.Data), "BTC")
	}
	if !note {
		t.Errorf("the ransom note was not sampled")
	}
}
