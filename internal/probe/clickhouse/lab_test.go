package clickhouse

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
)

func labTarget(t *testing.T, key string) probe.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(labtest.Get(t, key))
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}

func testEnv() *probe.Env {
	l := probe.DefaultLimits()
	l.Sample = 5
	return probe.NewEnv(l)
}

// identifyAndExplore runs the probe as the scanner would.
func identifyAndExplore(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := testEnv()
	p := New()
	svc, err := p.Identify(ctx, env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify(%v) = %v, %v; want %s", tg.Addr(), svc, err, p.Name())
	}
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, p, tg, ev)
	validate(t, ev)
	return ev
}

// validate checks the event against docs/event.schema.json, as the CLI would emit it.
func validate(t *testing.T, ev *event.Event) {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.ValidateEvent(b); err != nil {
		t.Errorf("%v\n%s", err, b)
	}
}

// fakeServer serves h on 127.77.250.10, for hostile behaviour no real server produces.
func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.77.250.10:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ap := netip.MustParseAddrPort(ln.Addr().String())
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}

// otherServers are the lab keys of the other HTTP datastores, which this
// probe must not claim.
var otherServers = []string{
	"COUCHDB_OPEN", "COUCHDB_AUTH", "PROM_OPEN", "PROM_AUTH", "VM_OPEN", "VM_AUTH", "REGISTRY_OPEN", "REGISTRY_AUTH", "S3_OPEN", "S3_AUTH",
	"INFLUX_OPEN", "INFLUX_AUTH", "RABBITMQ_OPEN", "RABBITMQ_AUTH", "HTTP404",
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
