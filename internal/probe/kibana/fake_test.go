package kibana

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// No real Kibana or OpenSearch Dashboards can be run here: these tests serve
// the recorded documentation examples in testdata/ (see testdata/README.md)
// from a fake HTTP server on a loopback lab address.

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flavour describes one recorded deployment.
type flavour struct {
	status       string // fixture for /api/status
	statusCode   int
	nameHeader   string // "kbn-name: x" or "osd-name: x"
	console      int    // status of the Console proxy (0 = 200 with fixtures)
	homeRedirect string // Location of /app/home, if any
}

// serve starts the fake and returns its target and the proxy requests seen.
func serve(t *testing.T, f flavour) (probe.Target, *[]string) {
	t.Helper()
	var seen []string
	h := func(w http.ResponseWriter, r *http.Request) {
		if k, v, ok := strings.Cut(f.nameHeader, ": "); ok {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch {
		case r.URL.Path == "/api/status":
			w.WriteHeader(max(f.statusCode, 200))
			w.Write(fixture(t, f.status))
		case r.URL.Path == "/api/console/proxy":
			seen = append(seen, r.Method+" "+r.URL.Query().Get("method")+" "+r.URL.Query().Get("path")+" xsrf="+r.Header.Get("kbn-xsrf"))
			switch {
			case f.console == 401:
				w.WriteHeader(401)
				w.Write(fixture(t, "kibana-401.json"))
			case f.console != 0:
				w.WriteHeader(f.console)
				w.Write([]byte(`{"statusCode":404,"error":"Not Found","message":"Not Found"}`))
			case strings.HasPrefix(r.URL.Query().Get("path"), "_cat/indices"):
				w.Write(fixture(t, "cat-indices.json"))
			case strings.Contains(r.URL.Query().Get("path"), "/_search"):
				w.Write(fixture(t, "search.json"))
			default:
				w.WriteHeader(400)
			}
		case r.URL.Path == "/app/home" && f.homeRedirect != "":
			w.Header().Set("Location", f.homeRedirect)
			w.WriteHeader(302)
		default:
			http.NotFound(w, r)
		}
	}
	return fakeServer(t, h), &seen
}

func fakeServer(t *testing.T, h http.HandlerFunc) probe.Target {
	t.Helper()
	return probetest.FakeHTTP(t, "127.77.250.56:0", h)
}

func testEnv() *probe.Env { return probetest.Env(5) }

func run(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	env := testEnv()
	svc, err := New().Identify(ctx, env, tg)
	if err != nil || svc == nil {
		t.Fatalf("Identify = %v, %v; want kibana", svc, err)
	}
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, New(), tg, ev)
	b, _ := json.Marshal(ev)
	if err := docs.ValidateEvent(b); err != nil {
		t.Errorf("%v\n%s", err, b)
	}
	return ev
}
