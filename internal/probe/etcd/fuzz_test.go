package etcd_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/etcd"
)

func FuzzParseRange(f *testing.F) {
	f.Add(200, []byte(`{"header":{"revision":"201"},"kvs":[{"key":"L2E=","value":"eA=="}],"more":true,"count":"200"}`))
	f.Add(400, []byte(`{"error":"etcdserver: user name is empty","message":"etcdserver: user name is empty","code":3}`))
	f.Add(200, []byte(`{"count":"-5","kvs":[{"key":"!!"}]}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		rr, err := etcd.ParseRange(status, body)
		if err == nil && rr.Total() < 0 {
			t.Fatalf("negative total")
		}
		if errors.Is(err, probe.ErrAuthRequired) && status == 200 && rr != nil && rr.Error == "" && rr.Message == "" {
			t.Fatalf("auth-required from a clean 200")
		}
	})
}

func FuzzPrefix(f *testing.F) {
	for _, k := range []string{"/config/services/svc-001/endpoint", "/a", "a/b/c", "k:1", "plain", "/", "//x"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		p := etcd.Prefix(k)
		if !strings.HasPrefix(k, p) {
			t.Fatalf("Prefix(%q) = %q is not a prefix", k, p)
		}
	})
}

func FuzzInventoryV2(f *testing.F) {
	f.Add([]byte(`{"action":"get","node":{"dir":true,"nodes":[{"key":"/coreos.com","dir":true,"nodes":[{"key":"/coreos.com/network/config","value":"{}"}]},{"key":"/a","value":"x"}]}}`), false)
	f.Add([]byte(`{"node":{"dir":true,"nodes":[{"key":"/big","dir":true}]}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, topOnly bool) {
		var a struct {
			Node etcd.V2Node `json:"node"`
		}
		if json.Unmarshal(body, &a) != nil {
			return
		}
		lim := probe.DefaultLimits()
		lim.MaxContainers, lim.Sample, lim.MaxSampleBytes = 5, 2, 8
		ds := &event.Dataset{}
		keys, values := etcd.InventoryV2(lim, a.Node, ds, topOnly)
		if len(ds.Containers) > 5 || values > keys {
			t.Fatalf("%d containers, %d values of %d keys", len(ds.Containers), values, keys)
		}
		for _, c := range ds.Containers {
			if len(c.Samples) > 2 {
				t.Fatalf("%d samples", len(c.Samples))
			}
			for _, s := range c.Samples {
				if len(s.Data) > 8 {
					t.Fatalf("sample of %d bytes", len(s.Data))
				}
			}
		}
	})
}
