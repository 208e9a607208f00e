package elastic

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func resp(status int, body string, header ...string) *httpx.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return &httpx.Response{Status: status, Header: h, Body: []byte(body)}
}

func TestIdentifyAnswers(t *testing.T) {
	cases := []struct {
		name     string
		r        *httpx.Response
		product  string // "" = not identified
		authWant bool
	}{
		{"es7", resp(200, fakeBanner), productElasticsearch, false},
		{"opensearch", resp(200, `{"cluster_name":"c","cluster_uuid":"u","version":{"distribution":"opensearch","number":"2.19.6","lucene_version":"9.12.3"},"tagline":"The OpenSearch Project: https://opensearch.org/"}`), productOpenSearch, false},
		{"zinc", resp(200, `{"name":"zinc","cluster_name":"N/A","cluster_uuid":"N/A","version":{"number":"8.11.0","lucene_version":"N/A"},"tagline":"You Know, for Search"}`), productZincSearch, false},
		// Recorded from Elasticsearch 8 with security on (anonymous GET /).
		{"es8-security", resp(401, `{"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/]","header":{"WWW-Authenticate":["Basic realm=\"security\" charset=\"UTF-8\"","ApiKey"]}}],"type":"security_exception","reason":"missing authentication credentials for REST request [/]"},"status":401}`,
			"WWW-Authenticate", `Basic realm="security" charset="UTF-8"`, "WWW-Authenticate", "ApiKey"), productElasticsearch, true},
		{"opensearch-security", resp(401, "Unauthorized", "WWW-Authenticate", `Basic realm="OpenSearch Security"`), productOpenSearch, true},
		{"other-basic-auth", resp(401, "<html>401</html>", "WWW-Authenticate", `Basic realm="Restricted"`), "", false},
		{"couchdb", resp(200, `{"couchdb":"Welcome","version":"3.3.3"}`), "", false},
		{"no-version", resp(200, `{"tagline":"You Know, for Search"}`), "", false},
		{"not-json", resp(200, "You Know, for Search"), "", false},
		{"500", resp(500, fakeBanner), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := parseBanner(c.r, 64)
			if b == nil {
				b = authChallenge(c.r)
			}
			switch {
			case c.product == "" && b != nil:
				t.Fatalf("identified as %+v", b.svc)
			case c.product == "":
			case b == nil:
				t.Fatal("not identified")
			case b.svc.Product != c.product || (b.authStatus != 0) != c.authWant:
				t.Fatalf("got %+v auth %d, want %s auth %v", b.svc, b.authStatus, c.product, c.authWant)
			}
		})
	}
}

func TestRansomNames(t *testing.T) {
	for name, want := range map[string]bool{
		"read_me": true, "README": true, "read-me-now": true, "how_to_recover_your_data": true, "meow": true,
		"xmeowx": true, "warning": true, "recover_your_data": true, ".read_me": true,
		"customers": false, "warnings-2024": false, "sms-logs-2024.01": false, "logs-readiness": false,
	} {
		if got := isRansomName(name); got != want {
			t.Errorf("isRansomName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestValidIndexName(t *testing.T) {
	for name, want := range map[string]bool{
		"sms-logs-2024.01": true, ".kibana_1": true, "read_me": true,
		"": false, ".": false, "..": false, "_shutdown": false, "-x": false, "a,b": false, "a*": false,
		"a/b": false, "a b": false, "a\x00": false, "a:b": false,
	} {
		if got := validIndexName(name); got != want {
			t.Errorf("validIndexName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestReadOnlyRule(t *testing.T) {
	for req, want := range map[string]bool{
		"GET /_cat/indices": true, "HEAD /": true, "POST /x/_search": true, "POST /_msearch": true,
		"POST /_bulk": false, "PUT /x": false, "DELETE /x": false, "POST /x/_delete_by_query": false, "POST /x/_doc": false,
	} {
		if readOnly(req) != want {
			t.Errorf("readOnly(%q) != %v", req, want)
		}
	}
}

func TestRansomIndicatorsBounded(t *testing.T) {
	var idx []*index
	for i := range 50 {
		idx = append(idx, &index{name: fmt.Sprintf("read_me_%d", i)})
	}
	got := ransomIndicators(idx)
	// 20 named, one summary, one "wiped" (no other index holds data)
	if len(got) != maxRansomIndicators+2 || got[maxRansomIndicators].Detail != "30 more indices are named like ransom notes" || got[len(got)-1].Kind != "wiped" {
		t.Fatalf("%d indicators: %+v", len(got), got)
	}
}
