package probetest

import (
	"context"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// NotIdentified checks that p's Identify returns no service for tg (within
// 10 s).
func NotIdentified(t *testing.T, p probe.Probe, env *probe.Env, tg probe.Target) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if svc, _ := p.Identify(ctx, env, tg); svc != nil {
		t.Errorf("Identify(%v) = %+v, want nil", tg.Addr(), svc)
	}
}

// NotClaimed runs one subtest per lab key checking that p does not identify
// that lab server (another datastore); env makes a fresh Env per check.
func NotClaimed(t *testing.T, p probe.Probe, env func() *probe.Env, keys ...string) {
	t.Helper()
	for _, key := range keys {
		t.Run(key, func(t *testing.T) { NotIdentified(t, p, env(), LabTarget(t, key)) })
	}
}

// CrossIdentification checks, on each lab server of the probe named own
// (keys: open, auth-required, odd port...), that own identifies it and no
// other of probes claims it. env makes a fresh Env per Identify call, each
// within 30 s.
func CrossIdentification(t *testing.T, own string, probes []probe.Probe, env func() *probe.Env, keys ...string) {
	t.Helper()
	for _, key := range keys {
		tg := LabTarget(t, key)
		for _, p := range probes {
			svc, err := p.Identify(Ctx(t, 30*time.Second), env(), tg)
			if p.Name() == own {
				if svc == nil {
					t.Errorf("%s: %s did not identify its own server (%v)", key, p.Name(), err)
				}
				continue
			}
			if svc != nil {
				t.Errorf("%s (%s): probe %s claims it: %+v", key, tg.Addr(), p.Name(), svc)
			}
		}
	}
}
