package safety

import (
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/scan"
)

// TestNoConnectionOutlivesTheScan: when the pipeline has delivered a
// service's event, leakwatch holds no connection to it any more (a
// keep-alive connection left in an HTTP client's pool would stay open
// until a read deadline, holding the server's resources and, with a
// per-host limit, a slot). An Elasticsearch-like and a MongoDB-wire peer are
// scanned with every probe; one second after scan.Run returns, their
// listeners must see no open connection.
func TestNoConnectionOutlivesTheScan(t *testing.T) {
	es := serveHTTPCounted(t, "127.77.47.120:17120", esLike("127.77.49.1", "127.77.49.1"))
	mongo := serve(t, "127.77.47.121:17121", serveMongo(lyingMongo))
	out := runPipeline(t, []string{es.addr(), mongo.addr()}, scan.Config{Limits: hostileLimits()})
	if out.err != nil {
		t.Fatal(out.err)
	}
	for _, s := range []*server{es, mongo} {
		if ev := out.events[s.addr()]; ev == nil || ev.Service == nil {
			t.Fatalf("%s not identified (%+v): the test would prove nothing", s.addr(), ev)
		}
	}
	deadline := time.Now().Add(time.Second)
	for {
		open := 0
		for _, s := range []*server{es, mongo} {
			s.mu.Lock()
			open += s.open
			s.mu.Unlock()
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open 1 s after the scan ended (HTTP peer %d, MongoDB peer %d)", open, es.open, mongo.open)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
