package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func testEnv() *probe.Env {
	l := probe.DefaultLimits()
	l.ExploreTimeout = 30 * time.Second
	return probe.NewEnv(l)
}

var targetOf = probetest.Target

// scan runs Identify then Explore the way the pipeline does (probe.Explore
// maps errors to statuses and fills totals).
func scan(t testing.TB, env *probe.Env, addr string) (*event.Service, *event.Event) {
	t.Helper()
	tg := targetOf(t, addr)
	ctx := context.Background()
	_, svc := probe.Identify(ctx, env, []probe.Probe{New()}, tg)
	ev := event.New(addr, tg.IP.String(), tg.Port)
	probe.Explore(ctx, env, New(), tg, ev)
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.ValidateEvent(b); err != nil {
		t.Errorf("%v\n%s", err, b)
	}
	if bytes.Contains(b, []byte("verification code")) || bytes.Contains(b, []byte("Sup3rS3cret")) {
		t.Errorf("raw sampled content in the serialised event: %s", b)
	}
	return svc, ev
}

// seedCounts parses "idx:n,idx:n" as published by the lab.
func seedCounts(t testing.TB, key string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, kv := range strings.Split(labtest.Get(t, key), ",") {
		k, v, _ := strings.Cut(kv, ":")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("bad seed entry %q", kv)
		}
		out[k] = n
	}
	return out
}

func container(ev *event.Event, name string) *event.Container {
	if ev.Dataset == nil {
		return nil
	}
	for i := range ev.Dataset.Containers {
		if ev.Dataset.Containers[i].Name == name {
			return &ev.Dataset.Containers[i]
		}
	}
	return nil
}

// fakeServer serves h on a fresh port of ip (127.77.44.x): only for the
// hostile behaviour no real server produces.
func fakeServer(t testing.TB, ip string, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}
