package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t *testing.T, format string, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, format, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.String()
}

// golden compares with testdata/report.<ext>; -update rewrites it. The file
// is for review in diffs; the assertions below carry the meaning.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; review with go test -update and git diff", name)
	}
}

func contains(t *testing.T, doc, format string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(doc, p) {
			t.Errorf("%s report lacks %q", format, p)
		}
	}
}

// Content every owner-ready report must carry, in any format.
var mustSay = []string{
	"198.51.100.23:9200", "Elasticsearch", "7.10.2", // what is exposed
	"2026-11-20 08:30 UTC", "first seen", // since when
	"critical", "AWS access keys", "app-config", // how bad and why
	"hu*****2", "+1555*****00", // redacted evidence
	"sms-logs-2026.11", "184,220", // inventory
	"xpack.security.enabled", "network.host", "Firewall the port", // what to do
	"Change your password", "SMS", // affected users
	"/_cat/indices", "must print 401", // verify
	"198.51.100.24:6379", // the closed service is listed too
}

func TestHTML(t *testing.T) {
	doc := render(t, "html", fixtureReport())
	golden(t, "report.html", doc)
	contains(t, html.UnescapeString(doc), "html", mustSay...)
	contains(t, doc, "html", "<!DOCTYPE html>", "@media print", "Content-Security-Policy", "<code>xpack.security.enabled: true</code>")
	for _, external := range []string{"<script", "<link", "src=\"http", "href=\"http", "@import", "url("} {
		if strings.Contains(doc, external) {
			t.Errorf("HTML has %q: it must be self-contained and script-free", external)
		}
	}
	// Critical first: the open Elasticsearch is exposure 1.
	if strings.Index(doc, "198.51.100.23:9200") > strings.Index(doc, "198.51.100.24:6379") {
		t.Error("exposures are not ordered by severity")
	}
}

func TestHTMLEscapesHostileNames(t *testing.T) {
	doc := render(t, "html", fixtureReport())
	for _, raw := range []string{xssScript, xssAttr, "<img", "onerror=alert(2)>"} {
		if strings.Contains(doc, raw) {
			t.Errorf("HTML contains %q unescaped", raw)
		}
	}
	contains(t, doc, "html", "&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;")
}

func TestMarkdown(t *testing.T) {
	doc := render(t, "md", fixtureReport())
	golden(t, "report.md", doc)
	contains(t, strings.ReplaceAll(doc, `\`, ""), "md", mustSay...)
	contains(t, doc, "md", "# Exposed datastores at Example Corp", "| kind | name | documents |", "`xpack.security.enabled: true`")
}

func TestMarkdownEscapes(t *testing.T) {
	doc := render(t, "md", fixtureReport())
	for _, raw := range []string{xssScript, "<img", "| injected | row |", "[x](javascript"} {
		if strings.Contains(doc, raw) {
			t.Errorf("Markdown contains %q raw", raw)
		}
	}
	// Every table row keeps its column count: escaped pipes do not split cells.
	var header int
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		cells := countCells(line)
		if header == 0 {
			header = cells
		} else if cells != header {
			t.Errorf("row has %d cells, header %d: %s", cells, header, line)
		}
	}
	contains(t, doc, "md", `&lt;script&gt;alert(1)&lt;/script&gt;`, `a\|b\`+"`"+`c\`+"`")
}

// countCells counts the unescaped pipes of a table row.
func countCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestJSON(t *testing.T) {
	doc := render(t, "json", fixtureReport())
	golden(t, "report.json", doc)
	var back Report
	if err := json.Unmarshal([]byte(doc), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Exposures) != 2 || back.Exposures[0].Event.Assessment == nil || back.Exposures[1].Event.Assessment == nil {
		t.Fatalf("exposures or assessments missing: %+v", back.Exposures)
	}
	if !back.Exposures[1].FirstSeen.Equal(firstSeen) || back.Exposures[1].Observations != 3 {
		t.Errorf("history facts lost: %+v", back.Exposures[1])
	}
	contains(t, doc, "json", `"first_seen": "2026-11-20T08:30:00Z"`, `"severity": "critical"`)
}

func TestNoRawSamples(t *testing.T) {
	r := fixtureReport()
	for _, format := range []string{"html", "md", "json"} {
		if doc := render(t, format, r); strings.Contains(doc, sampleMarker) || strings.Contains(doc, "hunter2") {
			t.Errorf("%s report contains raw sample data", format)
		}
	}
	// The fixture does carry the marker, so the test can fail.
	if !bytes.Contains(r.Exposures[1].Event.Dataset.Containers[0].Samples[0].Data, []byte(sampleMarker)) {
		t.Fatal("fixture lost its samples")
	}
}

func TestRenderDoesNotChangeEvents(t *testing.T) {
	r := fixtureReport()
	render(t, "md", r)
	if r.Exposures[0].Event.Assessment != nil {
		t.Error("Render assessed the caller's event in place")
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := Render(&bytes.Buffer{}, "docx", fixtureReport()); err == nil {
		t.Error("no error for an unknown format")
	}
}

func TestEmptyReport(t *testing.T) {
	for _, f := range []string{"html", "md", "json"} {
		if doc := render(t, f, Report{}); !strings.Contains(doc, "Data exposure report") && f != "json" {
			t.Errorf("%s: no default title", f)
		}
	}
}
