package probetest

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Target parses an IP:port literal (no DNS) into a probe target.
func Target(t testing.TB, addr string) probe.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}

// LabTarget is the lab server published under key (LEAKWATCH_LAB_<key>); the
// test is skipped when the lab does not provide it.
func LabTarget(t testing.TB, key string) probe.Target {
	t.Helper()
	ap, err := netip.ParseAddrPort(labtest.Get(t, key))
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return probe.Target{IP: ap.Addr(), Port: int(ap.Port())}
}

// LabInt is a count the lab published under key (rows seeded, keys...).
func LabInt(t testing.TB, key string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(labtest.Get(t, key), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return n
}

// Env is a probe.Env with the default limits but only sample values sampled
// per container, so tests see samples without reading much.
func Env(sample int) *probe.Env {
	l := probe.DefaultLimits()
	l.Sample = sample
	return probe.NewEnv(l)
}

// Ctx is a context that ends after d or when the test ends.
func Ctx(t testing.TB, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

// EnvWith is a probe.Env with the default limits as set changes them.
func EnvWith(set func(*probe.Limits)) *probe.Env {
	l := probe.DefaultLimits()
	set(&l)
	return probe.NewEnv(l)
}

// LabCounts parses a count list the lab published under key
// ("smsgw:1000,customers:50,config:1"): name to count, 0 where a count does
// not parse.
func LabCounts(t testing.TB, key string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, kv := range strings.Split(labtest.Get(t, key), ",") {
		k, v, _ := strings.Cut(kv, ":")
		n, _ := strconv.ParseInt(v, 10, 64)
		m[k] = n
	}
	return m
}
