package clickhouse

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/s3"
)

func TestNativeOpen(t *testing.T) {
	for _, key := range []string{"CLICKHOUSE_NATIVE_OPEN", "CLICKHOUSE_NATIVE_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, NewNative(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if ev.Service.Product != "ClickHouse" || !strings.HasPrefix(ev.Service.Version, "18.16") {
				t.Errorf("service %+v, want ClickHouse 18.16", ev.Service)
			}
			if !strings.Contains(ev.Access.Proof, "logged in as default without password (ClickHouse 18.16") {
				t.Errorf("proof %q", ev.Access.Proof)
			}
			if ev.Service.Info["http_port_hint"] == "" {
				t.Errorf("info %v: no http_port_hint", ev.Service.Info)
			}
		})
	}
}

func TestNativeAuth(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, NewNative(), testEnv(), probetest.LabTarget(t, "CLICKHOUSE_NATIVE_AUTH"))
	if ev.Status != event.StatusAuthRequired || ev.Access.Level != event.AccessNone {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
}

// Without default credentials the probe sends no user: it identifies the
// server by the Exception ClickHouse answers to a Ping before the hello.
func TestNativeNoDefaultCredentials(t *testing.T) {
	env := func() *probe.Env { return probetest.EnvWith(func(l *probe.Limits) { l.NoDefaultCredentials = true }) }
	for _, key := range []string{"CLICKHOUSE_NATIVE_OPEN", "CLICKHOUSE_NATIVE_AUTH"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, NewNative(), env(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusNotTested || ev.Access.Level != event.AccessNone {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
		})
	}
}

// The native probe claims no HTTP server (S3 also listens on 9000), and
// neither the HTTP probe nor S3 claims the native port.
func TestNativeCrossIdentification(t *testing.T) {
	keys := append([]string{"CLICKHOUSE_OPEN", "CLICKHOUSE_AUTH", "CLICKHOUSE_ODD"}, otherServers...)
	probetest.NotClaimed(t, NewNative(), testEnv, keys...)
	noDefault := func() *probe.Env { return probetest.EnvWith(func(l *probe.Limits) { l.NoDefaultCredentials = true }) }
	t.Run("no-default-credentials", func(t *testing.T) { probetest.NotClaimed(t, NewNative(), noDefault, keys...) })
	probetest.CrossIdentification(t, "clickhouse-native", []probe.Probe{NewNative(), New(), s3.New()}, testEnv,
		"CLICKHOUSE_NATIVE_OPEN", "CLICKHOUSE_NATIVE_AUTH", "CLICKHOUSE_NATIVE_ODD")
}
