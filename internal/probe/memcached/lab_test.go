package memcached_test

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/memcached"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func explore(t *testing.T, env *probe.Env, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreTarget(ctx(t), memcached.New(), env, tg)
}

func TestOpenInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "MEMCACHED_OPEN")
	env := testEnv()
	svc, err := memcached.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Product != "memcached" || svc.Version == "" {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	items := probetest.LabInt(t, "MEMCACHED_OPEN_ITEMS")
	if len(ev.Dataset.Containers) != 1 {
		t.Fatalf("containers %+v", ev.Dataset.Containers)
	}
	c := ev.Dataset.Containers[0]
	if c.Kind != "cache" || *c.Documents != items || c.Bytes == nil || *c.Bytes <= 0 {
		t.Errorf("container %+v", c)
	}
	if c.Sampled != env.Limits.Sample || len(c.Samples) != env.Limits.Sample {
		t.Errorf("sampled %d", c.Sampled)
	}
	var users int
	for _, s := range c.Samples {
		if strings.HasPrefix(s.Key, "user:") && strings.Contains(string(s.Data), "+1555") {
			users++
		}
	}
	if users == 0 {
		t.Errorf("samples should spread over prefixes: %d user records", users)
	}
	if got := strings.Join(c.Fields, ","); got != "session:*,user:*" {
		t.Errorf("fields (prefixes) = %q", got)
	}
	want := "stats: curr_items=1000"
	p := ev.Access.Proof
	if !strings.HasPrefix(p, want) || !strings.Contains(p, "lru_crawler metadump listed 1000 keys (session: 600, user: 400)") ||
		!strings.Contains(p, "get returned 10 values") {
		t.Errorf("proof = %q", p)
	}
	if strings.Contains(p, "@example.com") {
		t.Errorf("proof leaks key names: %q", p)
	}
}

func TestAuthInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "MEMCACHED_AUTH")
	env := testEnv()
	svc, err := memcached.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Info["auth"] != "ascii" {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Dataset != nil {
		t.Fatalf("status %s access %+v dataset %+v", ev.Status, ev.Access, ev.Dataset)
	}
}

func TestOddPortIdentified(t *testing.T) {
	tg := probetest.LabTarget(t, "MEMCACHED_ODD")
	p, svc := probe.Identify(ctx(t), testEnv(), knownProbes(), tg)
	if p == nil || p.Name() != "memcached" || svc.Version == "" {
		t.Fatalf("Identify on %s = %v, %+v", tg.Addr(), p, svc)
	}
}
