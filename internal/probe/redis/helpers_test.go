package redis_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

var (
	labTarget = probetest.LabTarget
	labInt    = probetest.LabInt
)

func testEnv() *probe.Env {
	l := probe.DefaultLimits()
	l.ReadTimeout = 2 * time.Second
	return probe.NewEnv(l)
}

func ctx(t *testing.T) context.Context { return probetest.Ctx(t, 30*time.Second) }

// fakeServer listens on a lab loopback address and runs serve for each connection.
func fakeServer(t *testing.T, serve func(net.Conn)) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.254.1:0", serve)
}
