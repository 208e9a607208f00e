package kafka

import (
	"context"
	"encoding/json"
	"net"
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

// run identifies and explores tg like the scan pipeline does, and checks the
// event against the published schema.
func run(t *testing.T, tg probe.Target, env *probe.Env) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, err := New().Identify(ctx, env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify(%v) = %v, %v; want kafka", tg.Addr(), svc, err)
	}
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, New(), tg, ev)
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.ValidateEvent(b); err != nil {
		t.Errorf("%v\n%s", err, b)
	}
	return ev
}

// fakeBroker accepts connections on a loopback lab address and hands each to
// h, for hostile behaviour no real Cassandra produces.
func fakeBroker(t *testing.T, h func(net.Conn)) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.77.250.19:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); h(c) }()
		}
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}
