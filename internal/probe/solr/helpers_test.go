package solr

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func testEnv() *probe.Env { return probetest.Env(5) }

// fakeServer serves h on a loopback lab address, for hostile behaviour no
// real Solr produces.
func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	return probetest.FakeHTTP(t, "127.77.250.17:0", h)
}
