package etcd_test

import (
	"errors"
	"strings"
	"testing"

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
