package elastic

import (
	"context"
	"testing"

	"github.com/leakwatch/leakwatch/internal/labtest"
)

// TestNotOtherServices: the other lab servers (HTTP APIs with JSON banners,
// basic-auth realms, and binary protocols) are not taken for Elasticsearch.
func TestNotOtherServices(t *testing.T) {
	keys := []string{"COUCHDB_OPEN", "COUCHDB_AUTH", "PROM_OPEN", "PROM_AUTH", "VM_OPEN", "VM_AUTH",
		"REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH", "CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH",
		"INFLUX_OPEN", "INFLUX_AUTH", "HTTP404", "REDIS_OPEN", "PG_OPEN", "MYSQL_OPEN", "MONGO_OPEN", "MEMCACHED_OPEN"}
	tried := 0
	for _, k := range keys {
		addr, ok := labtest.Lookup(k)
		if !ok {
			continue
		}
		tried++
		env := hostileEnv()
		svc, err := New().Identify(context.Background(), env, targetOf(t, addr))
		if svc != nil {
			t.Errorf("%s (%s) identified as %+v", k, addr, svc)
		}
		t.Logf("%s: not identified (%v)", k, err)
	}
	if tried == 0 {
		t.Skip("no other lab service running")
	}
}
