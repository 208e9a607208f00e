package probetest

import (
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// FakeHTTP serves h on listen (a lab loopback "IP:0"), for hostile behaviour
// no real server produces. It stops when the test ends.
func FakeHTTP(t testing.TB, listen string, h http.HandlerFunc) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return addrOf(ln)
}

// FakeTCP accepts connections on listen (a lab loopback "IP:0") and runs
// serve for each, closing the connection afterwards, for hostile behaviour
// no real server produces. It stops accepting when the test ends.
func FakeTCP(t testing.TB, listen string, serve func(net.Conn)) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", listen)
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
	return addrOf(ln)
}

func addrOf(ln net.Listener) probe.Target {
	ap := netip.MustParseAddrPort(ln.Addr().String())
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}
