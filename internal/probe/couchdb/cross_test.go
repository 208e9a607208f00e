package couchdb

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// otherServers are the lab keys of the other HTTP datastores, which this
// probe must not claim.
var otherServers = []string{
	"PROM_OPEN", "PROM_AUTH", "VM_OPEN", "VM_AUTH", "REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH",
	"INFLUX_OPEN", "INFLUX_AUTH", "CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH", "RABBITMQ_OPEN", "RABBITMQ_AUTH", "HTTP404",
}

func TestNotOtherServers(t *testing.T) {
	plain := fakeServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	check := func(t *testing.T, tg probe.Target) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if svc, _ := New().Identify(ctx, testEnv(), tg); svc != nil {
			t.Errorf("Identify(%v) = %+v, want nil", tg.Addr(), svc)
		}
	}
	t.Run("go-404", func(t *testing.T) { check(t, plain) })
	for _, key := range otherServers {
		t.Run(key, func(t *testing.T) { check(t, labTarget(t, key)) })
	}
}
