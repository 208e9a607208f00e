package prometheus

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

var (
	labTarget = probetest.LabTarget
	validate  = probetest.ValidateEvent
)

func testEnv() *probe.Env { return probetest.Env(5) }

// identifyAndExplore runs the probe as the scanner would.
func identifyAndExplore(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.IdentifyAndExplore(t, New(), testEnv(), tg)
}

// fakeServer serves h on 127.77.250.11, for hostile behaviour no real server produces.
func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	return probetest.FakeHTTP(t, "127.77.250.11:0", h)
}

// otherServers are the lab keys of the other HTTP datastores, which this
// probe must not claim.
var otherServers = []string{
	"COUCHDB_OPEN", "COUCHDB_AUTH", "REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH",
	"INFLUX_OPEN", "INFLUX_AUTH", "CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH", "RABBITMQ_OPEN", "RABBITMQ_AUTH", "HTTP404",
}

func TestNotOtherServers(t *testing.T) {
	plain := fakeServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	t.Run("go-404", func(t *testing.T) { probetest.NotIdentified(t, New(), testEnv(), plain) })
	probetest.NotClaimed(t, New(), testEnv, otherServers...)
}
