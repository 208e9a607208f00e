package safety

import (
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/scan"
)

// TestSilentPeerEndsAsTimeout: a port that accepts and never says a word
// (a tarpit) must be reported as "timeout", as internal/scan's identify
// promises ("nothing ever answered"), not as "not-identified" ("something
// answered that no probe knows"): the two mean different things to whoever
// reads the report. Every probe's Identify must therefore surface its
// timeout instead of swallowing it.
func TestSilentPeerEndsAsTimeout(t *testing.T) {
	cases := []struct {
		name       string
		read, call time.Duration
		addr       string
	}{
		// A probe's per-read timeout fires first: the probe must return it
		// (redis and memcached return nil, nil instead: "answered").
		{"read timeout first", 300 * time.Millisecond, time.Second, "127.77.47.101:17301"},
		// The Identify deadline fires first: Env.Dial's close-on-cancel hook
		// turns the pending read into "use of closed network connection"
		// (mongodb, mysql), which must still count as a timeout.
		{"call deadline first", 5 * time.Second, 500 * time.Millisecond, "127.77.47.102:17302"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			serve(t, c.addr, silence)
			limits := hostileLimits()
			limits.ReadTimeout, limits.IdentifyTimeout = c.read, c.call
			out := runPipeline(t, []string{c.addr}, scan.Config{Limits: limits, IdentifyPortTimeout: identifyPortTimeout})
			if out.err != nil {
				t.Fatal(out.err)
			}
			ev := out.events[c.addr]
			if ev == nil {
				t.Fatal("no event")
			}
			if ev.Status != event.StatusTimeout {
				t.Errorf("silent peer: status %q (%v), want %q", ev.Status, ev.Errors, event.StatusTimeout)
			}
		})
	}
}
