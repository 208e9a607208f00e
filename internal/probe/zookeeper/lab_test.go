package zookeeper_test

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

func explore(t *testing.T, env *probe.Env, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreTarget(ctx(t), zookeeper.New(), env, tg)
}

func TestOpenInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "ZOOKEEPER_OPEN")
	env := testEnv()
	svc, err := zookeeper.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Product != "ZooKeeper" || !strings.HasPrefix(svc.Version, "3.") {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	if ev.Service.Info["znode_count"] == "" || ev.Service.Info["4lw_not_whitelisted"] != "" {
		t.Errorf("service info %v", ev.Service.Info)
	}
	got := map[string]*event.Container{}
	for i, c := range ev.Dataset.Containers {
		got[c.Name] = &ev.Dataset.Containers[i]
	}
	sms := got["/smsgw"]
	if sms == nil || sms.Kind != "znode" || sms.Documents == nil || *sms.Documents != probetest.LabInt(t, "ZOOKEEPER_OPEN_SMSGW_ZNODES") {
		t.Fatalf("containers %+v", ev.Dataset.Containers)
	}
	if sms.Created == nil || sms.Sampled != env.Limits.Sample || len(sms.Samples) != sms.Sampled {
		t.Errorf("/smsgw created %v sampled %d", sms.Created, sms.Sampled)
	}
	var db, msgs bool
	for _, s := range sms.Samples {
		db = db || (s.Key == "/smsgw/config/db" && strings.Contains(string(s.Data), "Hunter42!prod"))
		msgs = msgs || (strings.HasPrefix(s.Key, "/smsgw/messages/msg-") && strings.Contains(string(s.Data), "+1555"))
	}
	if !db || !msgs {
		t.Errorf("samples miss the db config (%v) or messages (%v)", db, msgs)
	}
	if got["/services"] == nil || *got["/services"].Documents != 2 {
		t.Errorf("/services: %+v", got["/services"])
	}
	if p := ev.Access.Proof; !strings.Contains(p, "getChildren / returned 3 znodes") || !strings.Contains(p, "getData read 11 values") {
		t.Errorf("proof = %q", p)
	}
}

func TestAuthInstance(t *testing.T) {
	tg := probetest.LabTarget(t, "ZOOKEEPER_AUTH")
	env := testEnv()
	svc, err := zookeeper.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := explore(t, env, tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || ev.Dataset != nil {
		t.Fatalf("status %s access %+v dataset %+v errors %v", ev.Status, ev.Access, ev.Dataset, ev.Errors)
	}
	t.Logf("proof: %s", ev.Access.Proof)
}

func TestOddPortIdentified(t *testing.T) {
	tg := probetest.LabTarget(t, "ZOOKEEPER_ODD")
	p, svc := probe.Identify(ctx(t), testEnv(), knownProbes(), tg)
	if p == nil || p.Name() != "zookeeper" {
		t.Fatalf("Identify on %s = %v, %+v", tg.Addr(), p, svc)
	}
	// The odd instance whitelists only the default (srvr): Info must say so.
	ev := explore(t, testEnv(), tg)
	if ev.Status != event.StatusOpen || ev.Service.Info["4lw_not_whitelisted"] != "mntr,envi" {
		t.Errorf("status %s info %v", ev.Status, ev.Service.Info)
	}
}
