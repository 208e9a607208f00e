package couchdb

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// otherServers are the lab keys of the other HTTP datastores, which this
// probe must not claim.
var otherServers = []string{
	"PROM_OPEN", "PROM_AUTH", "VM_OPEN", "VM_AUTH", "REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH",
	"INFLUX_OPEN", "INFLUX_AUTH", "CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH", "RABBITMQ_OPEN", "RABBITMQ_AUTH", "HTTP404",
}

func TestNotOtherServers(t *testing.T) {
	plain := fakeServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	t.Run("go-404", func(t *testing.T) { probetest.NotIdentified(t, New(), testEnv(), plain) })
	probetest.NotClaimed(t, New(), testEnv, otherServers...)
}
