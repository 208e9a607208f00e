package probetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// IdentifyAndExplore runs p on tg as the scanner would (Identify, then
// probe.Explore, within 30 s) and checks the event against the schema. The
// test stops when p does not identify tg.
func IdentifyAndExplore(t testing.TB, p probe.Probe, env *probe.Env, tg probe.Target) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, err := p.Identify(ctx, env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify(%v) = %v, %v; want %s", tg.Addr(), svc, err, p.Name())
	}
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, p, tg, ev)
	ValidateEvent(t, ev)
	return ev
}

// ValidateEvent checks ev against docs/event.schema.json, as the CLI would
// emit it.
func ValidateEvent(t testing.TB, ev *event.Event) {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.ValidateEvent(b); err != nil {
		t.Errorf("%v\n%s", err, b)
	}
}

// Explore identifies addr through probe.Identify with p as the only
// candidate, as the scanner's identification step does, then explores it
// without a deadline of its own and without validating the event. The test
// stops when p does not identify addr; what names the product in that message.
func Explore(t testing.TB, p probe.Probe, env *probe.Env, addr, what string) (*event.Event, *event.Service) {
	t.Helper()
	tg := Target(t, addr)
	ctx := context.Background()
	found, svc := probe.Identify(ctx, env, []probe.Probe{p}, tg)
	if found == nil {
		t.Fatalf("%s not identified as %s", addr, what)
	}
	ev := event.New(addr, tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, found, tg, ev)
	return ev, svc
}

// ExploreWithin explores tg with p (no identification step) and stops the
// test if Explore has not returned after hang: a probe facing a hostile
// server must give up by itself, within its limits.
func ExploreWithin(ctx context.Context, t testing.TB, p probe.Probe, env *probe.Env, tg probe.Target, hang time.Duration) *event.Event {
	t.Helper()
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	done := make(chan struct{})
	go func() { probe.Explore(ctx, env, p, tg, ev); close(done) }()
	select {
	case <-done:
	case <-time.After(hang):
		t.Fatal("Explore hung")
	}
	return ev
}

// ExploreHostile explores tg (a fake server) with p under limits l, within
// 20 s, and stops the test if Explore has not returned after 15 s.
func ExploreHostile(t testing.TB, p probe.Probe, l probe.Limits, tg probe.Target) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return ExploreWithin(ctx, t, p, probe.NewEnv(l), tg, 15*time.Second)
}

// ExploreTarget explores tg with p without identifying it first, as
// probe.Explore does for the scanner once a probe is chosen.
func ExploreTarget(ctx context.Context, p probe.Probe, env *probe.Env, tg probe.Target) *event.Event {
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	probe.Explore(ctx, env, p, tg, ev)
	return ev
}
