package solr

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

var labTarget = probetest.LabTarget

func testEnv() *probe.Env { return probetest.Env(5) }

// run identifies and explores tg like the scan pipeline does, and checks the
// event against the published schema.
func run(t *testing.T, tg probe.Target, env *probe.Env) *event.Event {
	t.Helper()
	return probetest.IdentifyAndExplore(t, New(), env, tg)
}

// fakeServer serves h on a loopback lab address, for hostile behaviour no
// real Solr produces.
func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	return probetest.FakeHTTP(t, "127.77.250.17:0", h)
}
