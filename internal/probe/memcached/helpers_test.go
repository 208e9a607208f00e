package memcached_test

import (
	"context"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fakeAddr is where this package's fake servers listen (a lab loopback
// address), for hostile behaviour no real server produces.
const fakeAddr = "127.77.254.2:0"

func testEnv() *probe.Env {
	return probetest.EnvWith(func(l *probe.Limits) { l.ReadTimeout = 2 * time.Second })
}

func ctx(t *testing.T) context.Context { return probetest.Ctx(t, 30*time.Second) }
