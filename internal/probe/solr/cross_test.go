package solr

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// otherServers are lab keys of other datastores (HTTP and binary) that this
// probe must not claim, Elasticsearch/OpenSearch (also Lucene) among them.
var otherServers = []string{
	"ES7_OPEN", "OPENSEARCH_OPEN", "OPENSEARCH_AUTH", "COUCHDB_OPEN", "COUCHDB_AUTH",
	"PROM_OPEN", "PROM_AUTH", "INFLUX_OPEN", "INFLUX_AUTH", "CLICKHOUSE_OPEN", "RABBITMQ_OPEN", "RABBITMQ_AUTH",
	"S3_OPEN", "REGISTRY_AUTH", "CASSANDRA_OPEN", "CASSANDRA_AUTH", "KAFKA_OPEN", "REDIS_OPEN",
}

func TestNotOtherServers(t *testing.T) {
	t.Run("go-404", func(t *testing.T) {
		probetest.NotIdentified(t, New(), testEnv(), fakeServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }))
	})
	t.Run("other-basic-auth", func(t *testing.T) {
		probetest.NotIdentified(t, New(), testEnv(), fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="Restricted"`)
			w.WriteHeader(401)
		}))
	})
	probetest.NotClaimed(t, New(), testEnv, otherServers...)
}
