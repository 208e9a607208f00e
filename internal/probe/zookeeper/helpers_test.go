package zookeeper_test

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
)

func target(t *testing.T, addr string) probe.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatalf("bad address %q: %v", addr, err)
	}
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}

func labTarget(t *testing.T, key string) probe.Target { return target(t, labtest.Get(t, key)) }

func labInt(t *testing.T, key string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(labtest.Get(t, key), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return n
}

func testEnv() *probe.Env {
	l := probe.DefaultLimits()
	l.ReadTimeout = 2 * time.Second
	return probe.NewEnv(l)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// fakeServer listens on a lab loopback address and runs serve for each connection.
func fakeServer(t *testing.T, serve func(net.Conn)) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.77.254.14:0")
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
			go func() { defer c.Close(); serve(c) }()
		}
	}()
	return target(t, ln.Addr().String())
}
