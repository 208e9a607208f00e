package cassandra

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "CASSANDRA_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	if ev.Service.Product != "Cassandra" || !strings.HasPrefix(ev.Service.Version, "5.") ||
		ev.Service.Info["cql_version"] == "" || ev.Service.Info["cluster_name"] != "leakwatch-lab" {
		t.Errorf("service %+v", ev.Service)
	}
	got := map[string]event.Container{}
	for _, c := range ev.Dataset.Containers {
		got[c.Kind+":"+c.Parent+"."+c.Name] = c
		if c.Parent == "system" || c.Name == "system_schema" {
			t.Errorf("system container listed: %+v", c)
		}
	}
	for _, kv := range strings.Split(labtest.Get(t, "CASSANDRA_TABLES"), ",") {
		name, n, _ := strings.Cut(kv, ":")
		ks, table, _ := strings.Cut(name, ".")
		want, _ := strconv.Atoi(n)
		if _, ok := got["keyspace:."+ks]; !ok {
			t.Errorf("keyspace %s missing", ks)
		}
		c, ok := got["table:"+name]
		if !ok {
			t.Errorf("table %s missing (have %v)", name, got)
			continue
		}
		if c.Sampled != min(want, 5) || len(c.Samples) != c.Sampled || len(c.Fields) == 0 {
			t.Errorf("%s: sampled %d samples %d fields %v", name, c.Sampled, len(c.Samples), c.Fields)
		}
		_ = table
	}
	sms := got["table:smsgw.sms_logs"]
	if len(sms.Samples) == 0 {
		t.Fatal("no sms samples")
	}
	s := string(sms.Samples[0].Data)
	for _, want := range []string{`"recipient":"+1555`, `"sent_at":"2024-01-`, `"delivered":`, `"parts":1`, `"id":"`} {
		if !strings.Contains(s, want) {
			t.Errorf("sample %s lacks %s", s, want)
		}
	}
	if c := got["table:crm.customers"]; len(c.Samples) > 0 && !strings.Contains(string(c.Samples[0].Data), "@example.com") {
		t.Errorf("customers sample %s", c.Samples[0].Data)
	}
}

func TestOpenMetadataOnly(t *testing.T) {
	env := testEnv()
	env.Limits.Sample = 0
	ev := probetest.IdentifyAndExplore(t, New(), env, probetest.LabTarget(t, "CASSANDRA_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata {
		t.Fatalf("status %s access %+v", ev.Status, ev.Access)
	}
}

func TestAuthRequired(t *testing.T) {
	tg := probetest.LabTarget(t, "CASSANDRA_AUTH")
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), tg)
	if ev.Status != event.StatusAuthRequired || ev.Dataset != nil || ev.Access.Level != event.AccessNone {
		t.Fatalf("status %s access %+v", ev.Status, ev.Access)
	}
	if !strings.Contains(ev.Service.Info["authenticator"], "PasswordAuthenticator") {
		t.Errorf("authenticator %q", ev.Service.Info["authenticator"])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := New().Explore(ctx, testEnv(), tg, event.New(tg.Addr(), "", 0)); !errors.Is(err, probe.ErrAuthRequired) {
		t.Fatalf("err %v", err)
	}
}

// TestClientIdentified: the server lists leakwatch's connection under its
// driver name (system_views.clients, Cassandra 4+), read on the same connection.
func TestClientIdentified(t *testing.T) {
	tg := probetest.LabTarget(t, "CASSANDRA_OPEN")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := dial(ctx, testEnv(), tg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.startup(); err != nil {
		t.Fatal(err)
	}
	r, err := c.query("SELECT driver_name, driver_version FROM system_views.clients", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row[0] == "leakwatch" && row[1] == driverVersion() {
			return
		}
	}
	t.Fatalf("no client with driver leakwatch/%s in %v", driverVersion(), r.Rows)
}
