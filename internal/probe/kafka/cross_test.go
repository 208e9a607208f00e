package kafka

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// otherServers are lab keys of other datastores this probe must not claim.
var otherServers = []string{
	"SOLR_OPEN", "SOLR_AUTH", "CASSANDRA_OPEN", "CASSANDRA_AUTH", "REDIS_OPEN", "MEMCACHED_OPEN", "PG_OPEN", "MYSQL_OPEN",
	"MONGO_OPEN", "ZOOKEEPER_OPEN", "ETCD_OPEN", "OPENSEARCH_OPEN", "COUCHDB_OPEN", "CLICKHOUSE_OPEN",
}

func TestNotOtherServers(t *testing.T) {
	check := func(t *testing.T, tg probe.Target) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		env := testEnv()
		env.Limits.ReadTimeout = time.Second // silent servers (waiting for a greeting) cost 1 s, not 5
		if svc, _ := New().Identify(ctx, env, tg); svc != nil {
			t.Errorf("Identify(%v) = %+v, want nil", tg.Addr(), svc)
		}
	}
	t.Run("go-http-404", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.77.250.19:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		ap := netip.MustParseAddrPort(ln.Addr().String())
		check(t, probe.Target{IP: ap.Addr(), Port: int(ap.Port())})
	})
	for _, key := range otherServers {
		t.Run(key, func(t *testing.T) { check(t, labTarget(t, key)) })
	}
}
