package cassandra

import (
	"net"
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

// fakeCQL accepts connections on a loopback lab address and hands each to
// h, for hostile behaviour no real Cassandra produces.
func fakeCQL(t *testing.T, h func(net.Conn)) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.250.18:0", h)
}
