// Package report turns assessed events into an owner-ready disclosure report:
// what is exposed, since when, how bad and why, redacted evidence, the
// inventory, what to do now, what the affected people should do, and how to
// verify the fix. Formats: html (self-contained, printable), md, json, pdf
// (the html printed by headless Chromium).
//
// A report never contains sampled data: it reads findings (whose examples
// the classifier already redacted), never Container.Samples.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/event"
)

// Report is one or more exposures and the facts about the report itself.
type Report struct {
	Title     string     `json:"title,omitempty"`    // default: "Data exposure report"
	Generated time.Time  `json:"generated,omitzero"` // default: now
	Tool      string     `json:"tool,omitempty"`     // "leakwatch v1.2.0"
	ScanID    string     `json:"scan_id,omitempty"`
	Scope     string     `json:"scope,omitempty"`    // what was scanned, as the user gave it
	Reporter  string     `json:"reporter,omitempty"` // who sends the report and how to reach them
	Exposures []Exposure `json:"exposures"`
}

// Exposure is one service as last observed, with what history knows of it.
type Exposure struct {
	Event        *event.Event `json:"event"`
	FirstSeen    time.Time    `json:"first_seen,omitzero"` // first observation open; zero if unknown
	LastSeen     time.Time    `json:"last_seen,omitzero"`  // last observation open; zero if unknown
	Observations int          `json:"observations,omitempty"`
	// Resolved is true when the latest observation found it closed again.
	Resolved bool `json:"resolved,omitempty"`
}

// Formats lists what Render accepts.
var Formats = []string{"html", "md", "json", "pdf"}

// Render writes r in format (html, md or markdown, json, pdf). Events
// without an assessment are assessed on a copy first.
func Render(w io.Writer, format string, r Report) error {
	r = prepared(r)
	switch strings.ToLower(format) {
	case "html":
		return renderHTML(w, buildView(r))
	case "md", "markdown":
		return renderMarkdown(w, buildView(r))
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "pdf":
		return renderPDF(w, buildView(r))
	}
	return fmt.Errorf("report: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// prepared fills defaults and assesses events that were not assessed yet,
// on copies, so the caller's events are never changed.
func prepared(r Report) Report {
	if r.Title == "" {
		r.Title = "Data exposure report"
	}
	if r.Generated.IsZero() {
		r.Generated = time.Now().UTC()
	}
	if r.Tool == "" {
		r.Tool = "leakwatch"
	}
	exps := make([]Exposure, 0, len(r.Exposures))
	for _, x := range r.Exposures {
		if x.Event == nil {
			continue
		}
		if x.Event.Assessment == nil {
			ev := *x.Event
			ev.Indicators = append([]event.Indicator(nil), x.Event.Indicators...)
			assess.Assess(&ev, nil, x.FirstSeen)
			x.Event = &ev
		}
		exps = append(exps, x)
	}
	r.Exposures = exps
	return r
}
