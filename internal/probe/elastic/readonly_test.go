package elastic

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
)

// recorder is a reverse proxy in front of a real server that records every
// request the probe makes.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (rec *recorder) start(t *testing.T, ip, backend string) string {
	t.Helper()
	u, _ := url.Parse("http://" + backend)
	rp := httputil.NewSingleHostReverseProxy(u)
	return fakeServer(t, ip, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
}

// readOnly reports whether a request can only read: GET/HEAD, or a POST to a
// search endpoint (Elasticsearch's query DSL travels in a POST body).
func readOnly(req string) bool {
	method, path, _ := strings.Cut(req, " ")
	switch method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPost:
		for _, suffix := range []string{"/_search", "/_count", "/_msearch"} {
			if strings.HasSuffix(path, suffix) {
				return true
			}
		}
	}
	return false
}

func docCounts(ev *event.Event) map[string]int64 {
	out := map[string]int64{}
	if ev.Dataset == nil {
		return out
	}
	for _, c := range ev.Dataset.Containers {
		if c.Documents != nil {
			out[c.Name] = *c.Documents
		}
	}
	return out
}

func TestReadOnly(t *testing.T) {
	for i, key := range []string{"ZINC_OPEN", "OPENSEARCH_OPEN", "ES7_OPEN"} {
		t.Run(key, func(t *testing.T) {
			backend := labtest.Get(t, key)
			rec := &recorder{}
			addr := rec.start(t, "127.77.44."+string(rune('1'+i)), backend)
			_, before := scan(t, testEnv(), addr)
			if before.Status != event.StatusOpen {
				t.Fatalf("status %q via the recording proxy (%q)", before.Status, before.Errors)
			}
			_, after := scan(t, testEnv(), addr)
			b, a := docCounts(before), docCounts(after)
			if len(b) == 0 || len(b) != len(a) {
				t.Errorf("doc counts before %v, after %v", b, a)
			}
			for k, v := range b {
				if a[k] != v {
					t.Errorf("index %q: %d documents before, %d after", k, v, a[k])
				}
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			posts := 0
			for _, r := range rec.reqs {
				if !readOnly(r) {
					t.Errorf("non-read request: %s", r)
				}
				if strings.HasPrefix(r, "POST") {
					posts++
				}
			}
			t.Logf("%d requests (%d search POSTs) for two explorations", len(rec.reqs), posts)
		})
	}
}
