package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/event"
)

// FuzzHostileNames renders events whose server-controlled strings are
// arbitrary: Markdown tables must keep their column count and no raw "<"
// may appear in either format outside the templates' own markup.
func FuzzHostileNames(f *testing.F) {
	f.Add(xssScript, xssAttr, mdBreaker)
	f.Add("a`b``c", "|||", "\\|\\`")
	f.Add("\u2028x\r\ny", "<!--", "]]>")
	f.Fuzz(func(t *testing.T, name, field, version string) {
		ev := fixtureEvent()
		ev.Service.Version = version
		ev.Dataset.Containers = append(ev.Dataset.Containers, event.Container{Kind: field, Name: name, Documents: event.Int64(1)})
		ev.Findings = append(ev.Findings, event.Finding{Container: name, Field: field, Type: "email", Confidence: "high",
			Count: 1, Documents: 1, Examples: []string{name}})
		ev.Indicators = append(ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name, Detail: field})
		assess.Assess(ev, nil, firstSeen)
		r := Report{Title: name, Scope: field, Exposures: []Exposure{{Event: ev}}}

		var md bytes.Buffer
		if err := Render(&md, "md", r); err != nil {
			t.Fatal(err)
		}
		header := 0
		for _, line := range strings.Split(md.String(), "\n") {
			if strings.Contains(line, "<") {
				t.Fatalf("raw < in Markdown: %q", line)
			}
			if !strings.HasPrefix(line, "|") {
				header = 0
				continue
			}
			if n := countCells(line); header == 0 {
				header = n
			} else if n != header {
				t.Fatalf("row has %d cells, header %d: %q", n, header, line)
			}
		}
		var html bytes.Buffer
		if err := Render(&html, "html", r); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(html.String(), "<script") || strings.Contains(html.String(), "<img") {
			t.Fatal("markup injected into HTML")
		}
	})
}
