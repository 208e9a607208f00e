package s3

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func TestOpen(t *testing.T) {
	for _, key := range []string{"S3_OPEN", "S3_ODD"} {
		t.Run(key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if ev.Service.Product != "GoFakeS3" {
				t.Errorf("product %q", ev.Service.Product)
			}
			want := probetest.LabCounts(t, "S3_BUCKETS")
			if len(ev.Dataset.Containers) != len(want) {
				t.Errorf("%d buckets, want %d", len(ev.Dataset.Containers), len(want))
			}
			samples := map[string]string{}
			for _, c := range ev.Dataset.Containers {
				n, ok := want[c.Name]
				if !ok {
					t.Errorf("unexpected bucket %q", c.Name)
					continue
				}
				if c.Documents == nil || *c.Documents != n || c.Bytes == nil || *c.Bytes <= 0 {
					t.Errorf("%s: objects %v bytes %v, want %d objects", c.Name, c.Documents, c.Bytes, n)
				}
				if c.Created == nil || c.Oldest == nil {
					t.Errorf("%s: created %v oldest %v", c.Name, c.Created, c.Oldest)
				}
				for _, s := range c.Samples {
					samples[s.Key] = string(s.Data)
				}
				if c.Sampled > 5 {
					t.Errorf("%s: %d samples, limit 5", c.Name, c.Sampled)
				}
			}
			if !strings.Contains(samples["config/production.env"], "DB_PASSWORD=") ||
				!strings.Contains(samples["customers.csv"], "@example.com") {
				t.Errorf("samples lack the seeded secrets/PII: %v", keys(samples))
			}
			if _, ok := samples["backup.tar.gz"]; ok {
				t.Error("binary object sampled")
			}
		})
	}
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}

func TestAuthRequired(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "S3_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required; errors %v", ev.Status, ev.Errors)
	}
	if ev.Service.Product != "versitygw" || ev.Access.Anonymous || ev.Dataset != nil {
		t.Errorf("service %+v access %+v dataset %+v", ev.Service, ev.Access, ev.Dataset)
	}
}
