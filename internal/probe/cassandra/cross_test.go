package cassandra

import (
	"net/http"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// otherServers are lab keys of other datastores this probe must not claim.
var otherServers = []string{
	"SOLR_OPEN", "SOLR_AUTH", "KAFKA_OPEN", "KAFKA_SASL", "REDIS_OPEN", "MEMCACHED_OPEN", "PG_OPEN", "MYSQL_OPEN",
	"MONGO_OPEN", "ZOOKEEPER_OPEN", "ETCD_OPEN", "OPENSEARCH_OPEN", "COUCHDB_OPEN", "CLICKHOUSE_OPEN",
}

func TestNotOtherServers(t *testing.T) {
	env := func() *probe.Env {
		env := testEnv()
		env.Limits.ReadTimeout = time.Second // silent servers (waiting for a greeting) cost 1 s, not 5
		return env
	}
	t.Run("go-http-404", func(t *testing.T) {
		probetest.NotIdentified(t, New(), env(), probetest.FakeHTTP(t, "127.77.250.18:0", http.NotFound))
	})
	probetest.NotClaimed(t, New(), env, otherServers...)
}
