package kibana

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/cassandra"
	"github.com/leakwatch/leakwatch/internal/probe/kafka"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/solr"
)

// otherServers are lab keys of real servers the kibana probe must not claim:
// Elasticsearch and OpenSearch themselves above all.
var otherServers = []string{
	"ES7_OPEN", "OPENSEARCH_OPEN", "OPENSEARCH_AUTH", "SOLR_OPEN", "SOLR_AUTH", "COUCHDB_OPEN", "COUCHDB_AUTH",
	"PROM_OPEN", "INFLUX_OPEN", "RABBITMQ_OPEN", "RABBITMQ_AUTH", "CASSANDRA_OPEN", "KAFKA_OPEN",
}

func identifyNil(t *testing.T, p probe.Probe, tg probe.Target) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	env := testEnv()
	env.Limits.ReadTimeout = time.Second
	if svc, _ := p.Identify(ctx, env, tg); svc != nil {
		t.Errorf("%s.Identify(%v) = %+v, want nil", p.Name(), tg.Addr(), svc)
	}
}

func TestNotOtherServers(t *testing.T) {
	t.Run("go-404", func(t *testing.T) {
		identifyNil(t, New(), fakeServer(t, http.NotFound))
	})
	t.Run("other-hapi-401", func(t *testing.T) { // Boom body, no Kibana header, no login redirect
		identifyNil(t, New(), fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			w.Write([]byte(`{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`))
		}))
	})
	for _, key := range otherServers {
		t.Run(key, func(t *testing.T) { identifyNil(t, New(), probetest.LabTarget(t, key)) })
	}
}

// TestOthersNotKibana: the Solr, Cassandra and Kafka probes must not claim a
// Kibana or OpenSearch Dashboards (open or secured).
func TestOthersNotKibana(t *testing.T) {
	for _, f := range []flavour{
		{status: "kibana-7-status.json", nameHeader: "kbn-name: kibana"},
		{status: "osd-2-status.json", nameHeader: "osd-name: opensearch-dashboards"},
		{status: "kibana-401.json", statusCode: 401, nameHeader: "kbn-name: kibana"},
	} {
		tg, _ := serve(t, f)
		for _, p := range []probe.Probe{solr.New(), cassandra.New(), kafka.New()} {
			identifyNil(t, p, tg)
		}
	}
}
