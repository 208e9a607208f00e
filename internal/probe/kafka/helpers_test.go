package kafka

import (
	"net"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func testEnv() *probe.Env { return probetest.Env(5) }

// fakeBroker accepts connections on a loopback lab address and hands each to
// h, for hostile behaviour no real Kafka produces.
func fakeBroker(t *testing.T, h func(net.Conn)) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.250.19:0", h)
}
