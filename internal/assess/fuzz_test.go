package assess

import (
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// FuzzAssess feeds server-controlled strings (container names, sampled
// documents, uptime, settings) through Assess: it must never panic, and
// must always produce a valid grade with reasons.
func FuzzAssess(f *testing.F) {
	f.Add("READ_ME", []byte(`send 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa a@b.io`), "3600", "/root/.ssh", int64(1))
	f.Add("logs-`x`\x00\n", []byte("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"), "NaN", "", int64(-1))
	f.Add("", []byte{}, "-1", "/var/lib/redis", int64(0))
	f.Fuzz(func(t *testing.T, name string, data []byte, up, dir string, docs int64) {
		c := event.Container{Kind: "index", Name: name, Sampled: 1,
			Samples: []event.Sample{{Key: "1", Format: "text", Data: data}}}
		if docs >= 0 {
			c.Documents = event.Int64(docs)
		}
		ev := openEvent("redis", event.AccessData, c)
		ev.Service.Info["uptime_seconds"] = up
		ev.Service.Info["dir"] = dir
		ev.Findings = []event.Finding{finding(name, "phone", 1)}
		prev := openEvent("redis", event.AccessData, container("index", name, 5000, 1))
		Assess(ev, prev, time.Unix(1_700_000_000, 0))
		a := ev.Assessment
		if a == nil || a.Severity.Rank() < 0 || len(a.Reasons) == 0 {
			t.Fatalf("bad assessment %+v", a)
		}
	})
}
