package s3

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

const listBuckets = `<?xml version="1.0"?><ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>`

func runHostile(t *testing.T, h http.HandlerFunc) *event.Event {
	t.Helper()
	tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amz-Request-Id", "1")
		if r.URL.Path == "/" {
			w.Write([]byte(listBuckets))
			return
		}
		h(w, r)
	})
	l := probe.DefaultLimits()
	l.MaxResponse, l.ReadTimeout, l.Sample = 1<<20, time.Second, 2
	return probetest.ExploreHostile(t, New(), l, tg)
}

// A server that ignores max-keys: the listing is refused, not swallowed.
func TestHostileTooManyKeys(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<ListBucketResult>` + strings.Repeat(`<Contents><Key>k.json</Key><Size>-5</Size></Contents>`, pageKeys+1) + `</ListBucketResult>`))
	})
	if ev.Status != event.StatusOpen || len(ev.Errors) == 0 || !strings.Contains(ev.Errors[0], "max-keys") {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// A server whose continuation never ends stops after maxPages.
func TestHostileEndlessPages(t *testing.T) {
	n := 0
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.Header.Get("Range") != "" {
			w.Write([]byte(strings.Repeat("x", 1<<19))) // ignores Range
			return
		}
		w.Write([]byte(`<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t` + strings.Repeat("1", n) +
			`</NextContinuationToken><Contents><Key>a.txt</Key><Size>-1</Size></Contents><Contents><Key>b.txt</Key><Size>10</Size></Contents></ListBucketResult>`))
	})
	c := ev.Dataset.Containers[0]
	if ev.Status != event.StatusOpen || !ev.Dataset.Truncated || *c.Documents != 2*maxPages || *c.Bytes != 10*maxPages {
		t.Fatalf("status %s truncated %v docs %v bytes %v errors %v", ev.Status, ev.Dataset.Truncated, *c.Documents, *c.Bytes, ev.Errors)
	}
	if c.Sampled != 2 || len(c.Samples[0].Data) != probe.DefaultLimits().MaxSampleBytes {
		t.Errorf("sampled %d", c.Sampled)
	}
}

func TestHostileHugeXML(t *testing.T) {
	ev := runHostile(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<ListBucketResult>`))
		chunk := []byte(strings.Repeat(`<Contents><Key>x</Key></Contents>`, 1000))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	if ev.Status != event.StatusOpen || !strings.Contains(strings.Join(ev.Errors, " "), "larger than limit") {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}
