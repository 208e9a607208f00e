package kafka

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
	for _, key := range []string{"KAFKA_OPEN", "KAFKA_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if ev.Service.Info["cluster_id"] == "" || ev.Service.Info["brokers"] != "1" {
				t.Errorf("service %+v", ev.Service)
			}
			got := map[string]event.Container{}
			for _, c := range ev.Dataset.Containers {
				got[c.Name] = c
				if strings.HasPrefix(c.Name, "__") {
					t.Errorf("internal topic listed: %s", c.Name)
				}
			}
			for _, kv := range strings.Split(labtest.Get(t, "KAFKA_TOPICS"), ",") {
				name, n, _ := strings.Cut(kv, ":")
				want, _ := strconv.ParseInt(n, 10, 64)
				c, ok := got[name]
				if !ok {
					t.Errorf("topic %s missing", name)
					continue
				}
				if c.Documents == nil || *c.Documents != want {
					t.Errorf("%s: documents %v, want %d", name, c.Documents, want)
				}
				if c.Sampled != min(int(want), 5) || len(c.Samples) != c.Sampled || c.Oldest == nil {
					t.Errorf("%s: sampled %d samples %d oldest %v", name, c.Sampled, len(c.Samples), c.Oldest)
				}
			}
			if s := got["sms-logs"].Samples; len(s) == 0 || !strings.Contains(string(s[0].Data), `"to":"+1555`) || s[0].Format != "json" {
				t.Errorf("sms sample %+v", s)
			}
			// app-config is written in gzip batches
			if s := got["app-config"].Samples; len(s) == 0 || !strings.Contains(string(s[0].Data), "db01.corp.internal") {
				t.Errorf("gzip sample %+v", s)
			}
			if !strings.Contains(ev.Access.Proof, "messages") {
				t.Errorf("proof %q", ev.Access.Proof)
			}
		})
	}
}

func TestMetadataOnly(t *testing.T) {
	env := testEnv()
	env.Limits.Sample = 0
	ev := probetest.IdentifyAndExplore(t, New(), env, probetest.LabTarget(t, "KAFKA_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata || ev.Dataset.Totals.Documents == 0 {
		t.Fatalf("status %s access %+v totals %+v", ev.Status, ev.Access, ev.Dataset.Totals)
	}
}

func TestSASLRequired(t *testing.T) {
	tg := probetest.LabTarget(t, "KAFKA_SASL")
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), tg)
	if ev.Status != event.StatusAuthRequired || ev.Dataset != nil || ev.Access.Level != event.AccessNone {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := New().Explore(ctx, testEnv(), tg, event.New(tg.Addr(), "", 0)); !errors.Is(err, probe.ErrAuthRequired) {
		t.Fatalf("err %v", err)
	}
}
