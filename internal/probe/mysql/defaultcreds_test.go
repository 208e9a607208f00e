package mysql

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

// TestDefaultCredentialsReported: a root login with an empty password says so.
func TestDefaultCredentialsReported(t *testing.T) {
	ev, _ := explore(t, labtest.Get(t, "MYSQL_OPEN"))
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if got := ev.Service.Info["default_credentials"]; got != "root with empty password" {
		t.Errorf("info default_credentials = %q", got)
	}
	if !strings.Contains(ev.Access.Proof, "default credentials: root with empty password") {
		t.Errorf("proof %q does not name the default credentials", ev.Access.Proof)
	}
}

// TestNoDefaultCredentials: with default credentials off, the open server
// (root without a password) is identified from its greeting and reported
// not-tested with no access; the auth server too (nothing told them apart).
func TestNoDefaultCredentials(t *testing.T) {
	for _, key := range []string{"MYSQL_OPEN", "MYSQL_AUTH"} {
		t.Run(key, func(t *testing.T) {
			tg := probetest.Target(t, labtest.Get(t, key))
			env := testEnv()
			env.Limits.NoDefaultCredentials = true
			ctx := context.Background()
			p, svc := probe.Identify(ctx, env, []probe.Probe{New()}, tg)
			if p == nil {
				t.Fatalf("%s not identified", tg.Addr())
			}
			ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
			ev.Service = svc
			probe.Explore(ctx, env, p, tg, ev)
			if ev.Status != event.StatusNotTested || len(ev.Errors) != 1 || !strings.Contains(ev.Errors[0], "--no-default-credentials") {
				t.Fatalf("status %s errors %v, want not-tested", ev.Status, ev.Errors)
			}
			if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil ||
				ev.Service.Info["default_credentials"] != "" || ev.Service.Info["user"] != "" || ev.Service.Version == "" {
				t.Errorf("access %+v dataset %+v service %+v", ev.Access, ev.Dataset, ev.Service)
			}
			b, _ := json.Marshal(ev)
			if err := docs.ValidateEvent(b); err != nil {
				t.Errorf("%v\n%s", err, b)
			}
		})
	}
}
