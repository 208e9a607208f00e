package main

import (
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
)

// A datastore that only speaks HTTPS (as Elasticsearch 8 does by default) is
// found without the user writing "https://": the lab's OpenSearch behind a
// self-signed TLS front is identified, explored over TLS and marked tls.
func TestScanFindsHTTPSOnlyDatastore(t *testing.T) {
	addr := labtest.Get(t, "OPENSEARCH_TLS")
	out, errOut, code := runCLI(t, "scan", addr, "--no-store", "--json", "--quiet")
	if code != exitExposed {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	evs := events(t, out)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	ev := evs[0]
	if ev.Status != event.StatusOpen || !ev.TLS || ev.Service == nil || ev.Service.Name != "elasticsearch" ||
		ev.Access.Level != event.AccessData || ev.Dataset == nil || ev.Dataset.Totals.Containers == 0 {
		t.Fatalf("HTTPS-only OpenSearch: status %s tls %v service %+v access %+v", ev.Status, ev.TLS, ev.Service, ev.Access)
	}
}
