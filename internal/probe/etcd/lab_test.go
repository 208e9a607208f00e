package etcd_test

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/etcd"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func explore(t *testing.T, env *probe.Env, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreTarget(ctx(t), etcd.New(), env, tg)
}

func TestOpenInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "ETCD_OPEN")
	env := testEnv()
	svc, err := etcd.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Product != "etcd" || !strings.HasPrefix(svc.Version, "3.") {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	want := map[string]int64{
		"/config/services/": probetest.LabInt(t, "ETCD_OPEN_SERVICES"),
		"/config/features/": probetest.LabInt(t, "ETCD_OPEN_FLAGS"),
		"/config/db/":       2,
		"/config/api/":      2,
	}
	got := map[string]int64{}
	for _, c := range ev.Dataset.Containers {
		if c.Kind != "prefix" || c.Documents == nil {
			t.Errorf("container %+v", c)
			continue
		}
		got[c.Name] = *c.Documents
		if c.Sampled == 0 || c.Sampled > env.Limits.Sample || len(c.Samples) != c.Sampled {
			t.Errorf("%s: sampled %d", c.Name, c.Sampled)
		}
	}
	if len(got) != len(want) {
		t.Errorf("prefixes %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("prefix %s: %d keys, want %d", k, got[k], n)
		}
	}
	if ev.Dataset.Totals.Documents != probetest.LabInt(t, "ETCD_OPEN_KEYS") || ev.Dataset.Truncated {
		t.Errorf("totals %+v truncated %v", ev.Dataset.Totals, ev.Dataset.Truncated)
	}
	var pw bool
	for _, c := range ev.Dataset.Containers {
		for _, s := range c.Samples {
			pw = pw || (s.Key == "/config/db/password" && string(s.Data) == "Hunter42!prod")
		}
	}
	if !pw {
		t.Errorf("the password key was not sampled")
	}
	p := ev.Access.Proof
	if !strings.Contains(p, "count_only: 200 keys") || !strings.Contains(p, "listed 200 keys in 4 prefixes") || !strings.Contains(p, "read 24 values") {
		t.Errorf("proof = %q", p)
	}
}

func TestAuthInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "ETCD_AUTH")
	env := testEnv()
	svc, err := etcd.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Dataset != nil {
		t.Fatalf("status %s access %+v dataset %+v", ev.Status, ev.Access, ev.Dataset)
	}
	if !strings.Contains(ev.Access.Proof, "user name is empty") {
		t.Errorf("proof = %q", ev.Access.Proof)
	}
}

func TestOddPortIdentified(t *testing.T) {
	tg := probetest.LabTarget(t, "ETCD_ODD")
	p, svc := probe.Identify(ctx(t), testEnv(), knownProbes(), tg)
	if p == nil || p.Name() != "etcd" || svc.Version == "" {
		t.Fatalf("Identify on %s = %v, %+v", tg.Addr(), p, svc)
	}
}

// TestV2KeyStore explores the odd-port instance, which also serves the v2 API.
func TestV2KeyStore(t *testing.T) {
	tg := probetest.LabTarget(t, "ETCD_ODD")
	env := testEnv()
	ev := explore(t, env, tg)
	if ev.Status != event.StatusOpen || ev.Service.Info["v2"] != "enabled" || len(ev.Errors) > 0 {
		t.Fatalf("status %s info %v errors %v", ev.Status, ev.Service.Info, ev.Errors)
	}
	v2 := map[string]event.Container{}
	var v3 int64
	for _, c := range ev.Dataset.Containers {
		switch c.Parent {
		case "v2":
			v2[c.Name] = c
		case "v3":
			v3 += *c.Documents
		}
	}
	if v3 != probetest.LabInt(t, "ETCD_OPEN_KEYS") {
		t.Errorf("v3 keys %d", v3)
	}
	users := v2["/legacy/users/"]
	if users.Documents == nil || *users.Documents != probetest.LabInt(t, "ETCD_ODD_V2_USERS") || users.Sampled != env.Limits.Sample {
		t.Errorf("v2 /legacy/users/: %+v", users)
	}
	if c := v2["/coreos.com/network/"]; c.Documents == nil || *c.Documents != 1 || !strings.Contains(string(c.Samples[0].Data), "10.1.0.0/16") {
		t.Errorf("v2 flannel config: %+v", c)
	}
	if len(v2) != 3 || !strings.Contains(ev.Access.Proof, "v2 keys listed 22 keys, 12 values") {
		t.Errorf("v2 containers %d, proof %q", len(v2), ev.Access.Proof)
	}
}
