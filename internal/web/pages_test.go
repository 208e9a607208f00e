package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leakwatch/leakwatch/internal/web/webtest"
)

// pagePaths lists one URL per page of a filled store, with filters and the
// hostile exposure, its inventory pages and the scan pages.
func pagePaths(s *testServer) []string {
	hostile := url.QueryEscape(webtest.HostileFingerprint)
	paths := []string{"/", "/exposures", "/exposures?status=open", "/exposures?status=new", "/exposures?status=closed",
		"/exposures?severity=high", "/exposures?type=email", "/exposures?service=elasticsearch",
		"/exposures?q=" + url.QueryEscape(webtest.XSSScript), "/exposures?q=" + url.QueryEscape(webtest.XSSAttr),
		"/exposures?status=" + url.QueryEscape(webtest.XSSAttr), "/exposures?per_page=2&page=2",
		"/exposure?fp=" + hostile, "/exposure?fp=" + url.QueryEscape("198.51.100.14:9200/opensearch") + "&ipage=3",
		"/exposure?fp=" + url.QueryEscape(webtest.XSSScript), "/scans", "/watch", "/no-such-" + url.QueryEscape(webtest.XSSScript),
		"/login?next=" + url.QueryEscape(webtest.XSSAttr)}
	for _, id := range s.scans {
		paths = append(paths, "/scan?id="+url.QueryEscape(id))
	}
	return paths
}

// TestHostileContentIsInert renders every page of a store whose names and
// values carry HTML and JavaScript, and checks the parsed document: the
// only scripts are ours, no element has an event handler or a javascript:
// URL, and the hostile strings are there as text.
func TestHostileContentIsInert(t *testing.T) { onBothBackends(t, testHostileContentIsInert) }

func testHostileContentIsInert(t *testing.T) {
	s := newTestServer(t, true, false)
	c := s.client(t)
	s.login(t, c)
	sawHostile := false
	for _, path := range pagePaths(s) {
		resp, err := c.Get(s.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		for _, raw := range []string{webtest.XSSScript, webtest.XSSAttr} {
			if strings.Contains(string(body), raw) {
				t.Errorf("GET %s: the page holds %q unescaped", path, raw)
			}
		}
		checkInert(t, path, string(body))
		if strings.Contains(html.UnescapeString(string(body)), webtest.XSSAttr) {
			sawHostile = true
		}
	}
	if !sawHostile {
		t.Fatal("no page showed the hostile values at all: the fixture is not being rendered")
	}
}

func checkInert(t *testing.T, path, doc string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(doc))
	inScript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Errorf("%s: %v", path, z.Err())
			}
			return
		case html.TextToken:
			text := z.Text() // once: Text consumes the token's text
			if inScript && strings.TrimSpace(string(text)) != "" {
				// Only the chart's JSON data block may have content, and
				// it must parse as JSON.
				var v any
				if err := json.Unmarshal(text, &v); err != nil {
					t.Errorf("%s: a script element holds non-JSON: %.100s", path, text)
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" {
				inScript = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
				key := string(k)
				val := strings.ToLower(strings.TrimSpace(string(v)))
				if strings.HasPrefix(key, "on") {
					t.Errorf("%s: <%s> has an event handler %s=%q", path, tag, key, v)
				}
				if (key == "href" || key == "src" || key == "action" || key == "formaction") &&
					(strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:") || strings.HasPrefix(val, "//")) {
					t.Errorf("%s: <%s %s=%q>", path, tag, key, v)
				}
			}
			switch tag {
			case "script":
				inScript = true
				if src := attrs["src"]; src != "" && !strings.HasPrefix(src, "/assets/") {
					t.Errorf("%s: script from %q", path, src)
				}
				if attrs["src"] == "" && attrs["type"] != "application/json" {
					t.Errorf("%s: an inline script", path)
				}
			case "img", "iframe", "object", "embed", "style", "base", "meta":
				if tag != "meta" {
					t.Errorf("%s: a <%s> element", path, tag)
				}
			}
		}
	}
}

func TestWatchPageHidesGroupConfig(t *testing.T) { onBothBackends(t, testWatchPageHidesGroupConfig) }

func testWatchPageHidesGroupConfig(t *testing.T) {
	s := newTestServer(t, true, false)
	for _, path := range []string{"/watch", "/api/v1/watch"} {
		resp := s.bearer(t, "GET", path, nil)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Contains(string(b), "SECRET-IN-CONFIG") {
			t.Fatalf("%s: %d, or it shows a group's configuration", path, resp.StatusCode)
		}
		for _, want := range []string{"198.51.100.13:6379", "slack", "honeypot"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
}

func TestExposureFilters(t *testing.T) { onBothBackends(t, testExposureFilters) }

func testExposureFilters(t *testing.T) {
	s := newTestServer(t, true, false)
	cases := map[string][]string{
		"status=new":                     {"198.51.100.13:6379/redis"},
		"status=closed":                  {"198.51.100.12:5984/couchdb"},
		"service=mongodb":                {"198.51.100.11:27017/mongodb"},
		"q=customers-00249":              {"198.51.100.14:9200/opensearch"},
		"q=" + url.QueryEscape("100.1%"): {},
		"ip=198.51.100.10":               {"198.51.100.10:9200/elasticsearch"},
	}
	for q, want := range cases {
		resp := s.bearer(t, "GET", "/api/v1/exposures?"+q, nil)
		var got listResponse[struct {
			Fingerprint string `json:"fingerprint"`
		}]
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var fps []string
		for _, e := range got.Items {
			fps = append(fps, e.Fingerprint)
		}
		if strings.Join(fps, ",") != strings.Join(want, ",") || got.Total != len(want) {
			t.Errorf("%s: %v (total %d), want %v", q, fps, got.Total, want)
		}
	}
	resp := s.bearer(t, "GET", "/api/v1/exposures?type=email&status=open", nil)
	var all listResponse[json.RawMessage]
	json.NewDecoder(resp.Body).Decode(&all)
	resp.Body.Close()
	if all.Total != 5 {
		t.Errorf("open exposures with e-mail addresses: %d, want 5", all.Total)
	}
	for _, bad := range []string{"status=maybe", "severity=apocalyptic", "per_page=100000", "page=-1"} {
		resp := s.bearer(t, "GET", "/api/v1/exposures?"+bad, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestAPIDetailHistoryAndReport(t *testing.T) { onBothBackends(t, testAPIDetailHistoryAndReport) }

func testAPIDetailHistoryAndReport(t *testing.T) {
	s := newTestServer(t, true, false)
	fp := url.QueryEscape("198.51.100.10:9200/elasticsearch")
	resp := s.bearer(t, "GET", "/api/v1/exposure?fingerprint="+fp, nil)
	var d struct {
		Fingerprint string `json:"fingerprint"`
		Event       struct {
			Dataset struct {
				Containers []json.RawMessage `json:"containers"`
			} `json:"dataset"`
			Assessment struct {
				Severity string `json:"severity"`
			} `json:"assessment"`
		} `json:"event"`
	}
	json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if len(d.Event.Dataset.Containers) != 22 || d.Event.Assessment.Severity == "" {
		t.Fatalf("exposure detail: %+v", d)
	}
	resp = s.bearer(t, "GET", "/api/v1/exposure/history?fingerprint="+fp, nil)
	var h struct {
		Sightings []json.RawMessage `json:"sightings"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if len(h.Sightings) != 3 {
		t.Fatalf("history: %d sightings, want 3", len(h.Sightings))
	}
	for _, format := range []string{"html", "md", "json"} {
		resp := s.bearer(t, "GET", "/api/v1/report?format="+format+"&fingerprint="+url.QueryEscape(webtest.HostileFingerprint), nil)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || len(b) < 100 {
			t.Fatalf("report %s: %d %q", format, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		if format == "html" && strings.Contains(string(b), webtest.XSSScript) {
			t.Fatal("the html report holds the hostile script unescaped")
		}
	}
	resp = s.bearer(t, "GET", "/api/v1/report?format=pdf&scan="+s.scans[0], nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("pdf report over the web: %d", resp.StatusCode)
	}
	resp = s.bearer(t, "GET", "/api/v1/scan?id="+s.scans[2], nil)
	var sc struct {
		Services struct {
			Total int `json:"total"`
		} `json:"services"`
	}
	json.NewDecoder(resp.Body).Decode(&sc)
	resp.Body.Close()
	if sc.Services.Total != 6 {
		t.Fatalf("last scan recorded %d services, want 6", sc.Services.Total)
	}
}

// TestInventoryIsPaginated: a server with thousands of containers makes a
// bounded page.
func TestInventoryIsPaginated(t *testing.T) { onBothBackends(t, testInventoryIsPaginated) }

func testInventoryIsPaginated(t *testing.T) {
	s := newTestServer(t, true, false)
	resp := s.bearer(t, "GET", "/exposure?fp="+url.QueryEscape("198.51.100.14:9200/opensearch"), nil)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := strings.Count(string(b), "customers-0"); n == 0 || n > inventoryPerPage {
		t.Fatalf("inventory page lists %d of 250 containers", n)
	}
	if !strings.Contains(string(b), "Page 1 of 3") {
		t.Fatal("no inventory pager")
	}
}
