package probetest

import (
	"context"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// SamplesCut explores tg (an open lab server) with p and MaxSampleBytes set
// to max, and checks that samples were taken and every one was cut to at
// most max bytes and marked text.
func SamplesCut(t *testing.T, p probe.Probe, env *probe.Env, tg probe.Target, max int) {
	t.Helper()
	env.Limits.MaxSampleBytes = max
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	probe.Explore(context.Background(), env, p, tg, ev)
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	n := 0
	for _, c := range ev.Dataset.Containers {
		for _, s := range c.Samples {
			n++
			if len(s.Data) > max || s.Format != "text" {
				t.Errorf("%s: sample %q format %s", c.Name, s.Data, s.Format)
			}
		}
	}
	if n == 0 {
		t.Error("no samples")
	}
}
