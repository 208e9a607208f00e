package postgres

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// TestDefaultCredentialsReported: a trust login says which default worked.
func TestDefaultCredentialsReported(t *testing.T) {
	ev, _ := explore(t, labtest.Get(t, "PG_OPEN"))
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if got := ev.Service.Info["default_credentials"]; got != "postgres (trust, no password)" {
		t.Errorf("info default_credentials = %q", got)
	}
	if !strings.Contains(ev.Access.Proof, "default credentials postgres (trust, no password)") {
		t.Errorf("proof %q does not name the default credentials", ev.Access.Proof)
	}
}

// TestNoDefaultCredentials: with default credentials off, the open (trust)
// server is identified by a startup message without a user, which the
// server refuses before authentication, and is reported not-tested with no
// access: no login happened, so nothing could be read.
func TestNoDefaultCredentials(t *testing.T) {
	for _, key := range []string{"PG_OPEN", "PG_AUTH", "PG_ODD"} {
		t.Run(key, func(t *testing.T) {
			tg := probetest.Target(t, labtest.Get(t, key))
			env := testEnv()
			env.Limits.NoDefaultCredentials = true
			ctx := context.Background()
			p, svc := probe.Identify(ctx, env, []probe.Probe{New()}, tg)
			if p == nil {
				t.Fatalf("%s not identified without a user name", tg.Addr())
			}
			if svc.Info["startup_error"] != "28000" || !strings.HasPrefix(svc.Info["auth"], "not tried") {
				t.Errorf("identify info %v, want startup_error 28000 (no user name) and auth not tried", svc.Info)
			}
			ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
			ev.Service = svc
			probe.Explore(ctx, env, p, tg, ev)
			if ev.Status != event.StatusNotTested || len(ev.Errors) != 1 || !strings.Contains(ev.Errors[0], "--no-default-credentials") {
				t.Fatalf("status %s errors %v, want not-tested", ev.Status, ev.Errors)
			}
			if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil || ev.Service.Info["default_credentials"] != "" {
				t.Errorf("access %+v dataset %+v info %v", ev.Access, ev.Dataset, ev.Service.Info)
			}
			b, _ := json.Marshal(ev)
			if err := docs.ValidateEvent(b); err != nil {
				t.Errorf("%v\n%s", err, b)
			}
		})
	}
}
