package rabbitmq

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fakeAddr is where this package's fake servers listen, for hostile
// behaviour no real server produces.
const fakeAddr = "127.77.250.15:0"

func testEnv() *probe.Env { return probetest.Env(5) }

// otherServers are the lab keys of the other HTTP datastores, which this
// probe must not claim.
var otherServers = []string{
	"COUCHDB_OPEN", "COUCHDB_AUTH", "PROM_OPEN", "PROM_AUTH", "VM_OPEN", "VM_AUTH", "REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH",
	"INFLUX_OPEN", "INFLUX_AUTH", "CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH", "HTTP404",
}

func TestNotOtherServers(t *testing.T) {
	plain := probetest.FakeHTTP(t, fakeAddr, http.NotFound)
	t.Run("go-404", func(t *testing.T) { probetest.NotIdentified(t, New(), testEnv(), plain) })
	probetest.NotClaimed(t, New(), testEnv, otherServers...)
}
