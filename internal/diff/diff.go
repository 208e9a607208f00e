// Package diff compares what two observations of the same exposure (or two
// whole scans) saw: which exposures are new or closed, and for those seen
// in both, new and vanished containers, document counts that moved beyond a
// threshold, new sensitive data types and severity changes. Alerts
// (internal/alert) are built on the same comparison.
package diff

import (
	"slices"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Thresholds decide which count changes are worth reporting.
type Thresholds struct {
	// Ratio is the relative change of a container's documents (or bytes
	// when it has no count) reported as up or down: 0.2 = 20 %.
	Ratio float64
	// MinDelta ignores changes smaller than this many documents (bytes
	// count in units of 1 KiB), so a busy table growing by 3 rows is quiet.
	MinDelta int64
}

// DefaultThresholds: ±20 % and at least 10 documents.
var DefaultThresholds = Thresholds{Ratio: 0.2, MinDelta: 10}

// Change kinds of one exposure between two scans.
const (
	New       = "new"
	Closed    = "closed"
	Changed   = "changed"
	Unchanged = "unchanged"
)

// ContainerChange is one container that appeared, vanished or whose size
// moved beyond the thresholds.
type ContainerChange struct {
	Name   string `json:"name"` // "parent.name" when it has a parent
	Kind   string `json:"kind,omitempty"`
	Change string `json:"change"` // new, gone, up, down
	Before *int64 `json:"before,omitempty"`
	After  *int64 `json:"after,omitempty"`
	Unit   string `json:"unit,omitempty"` // documents or bytes
}

// ExposureChange is how one exposure differs between two observations.
type ExposureChange struct {
	Fingerprint    string            `json:"fingerprint"`
	IP             string            `json:"ip"`
	Port           int               `json:"port"`
	Host           string            `json:"host,omitempty"`
	Service        string            `json:"service,omitempty"`
	Kind           string            `json:"kind"` // new, closed, changed, unchanged
	StatusAfter    string            `json:"status_after,omitempty"`
	SeverityBefore event.Severity    `json:"severity_before,omitempty"`
	SeverityAfter  event.Severity    `json:"severity_after,omitempty"`
	Containers     []ContainerChange `json:"containers,omitempty"`
	NewTypes       []string          `json:"new_types,omitempty"`  // sensitive data types not seen before
	GoneTypes      []string          `json:"gone_types,omitempty"` // data types no longer found
	DocsBefore     int64             `json:"documents_before"`
	DocsAfter      int64             `json:"documents_after"`
}

// SeverityRaised reports whether the severity went up.
func (c *ExposureChange) SeverityRaised() bool {
	return c.SeverityAfter.Rank() > c.SeverityBefore.Rank() && c.SeverityBefore != ""
}

func severityOf(ev *event.Event) event.Severity {
	if ev == nil || ev.Assessment == nil {
		return ""
	}
	return ev.Assessment.Severity
}

func documentsOf(ev *event.Event) int64 {
	if ev == nil || ev.Dataset == nil {
		return 0
	}
	return ev.Dataset.Totals.Documents
}

// ContainerName is the name findings and assessments use for c.
func ContainerName(c event.Container) string {
	if c.Parent != "" {
		return c.Parent + "." + c.Name
	}
	return c.Name
}

// Types returns the data types found in ev, sorted, each once.
func Types(ev *event.Event) []string {
	var out []string
	if ev == nil {
		return nil
	}
	for _, f := range ev.Findings {
		if !slices.Contains(out, f.Type) {
			out = append(out, f.Type)
		}
	}
	slices.Sort(out)
	return out
}

// Compare describes how cur differs from prev, two open observations of the
// same exposure. Kind is Changed or Unchanged.
func Compare(prev, cur *event.Event, th Thresholds) ExposureChange {
	c := header(cur)
	c.SeverityBefore, c.SeverityAfter = severityOf(prev), severityOf(cur)
	c.DocsBefore, c.DocsAfter = documentsOf(prev), documentsOf(cur)
	c.Containers = compareContainers(prev, cur, th)
	before, after := Types(prev), Types(cur)
	for _, t := range after {
		if !slices.Contains(before, t) {
			c.NewTypes = append(c.NewTypes, t)
		}
	}
	for _, t := range before {
		if !slices.Contains(after, t) {
			c.GoneTypes = append(c.GoneTypes, t)
		}
	}
	c.Kind = Unchanged
	if len(c.Containers) > 0 || len(c.NewTypes) > 0 || len(c.GoneTypes) > 0 || c.SeverityBefore != c.SeverityAfter {
		c.Kind = Changed
	}
	return c
}

func header(ev *event.Event) ExposureChange {
	c := ExposureChange{IP: ev.IP, Port: ev.Port, Host: ev.Host, StatusAfter: string(ev.Status)}
	if ev.Service != nil {
		c.Service = ev.Service.Name
	}
	return c
}

func compareContainers(prev, cur *event.Event, th Thresholds) []ContainerChange {
	index := func(ev *event.Event) map[string]event.Container {
		m := map[string]event.Container{}
		if ev != nil && ev.Dataset != nil {
			for _, c := range ev.Dataset.Containers {
				m[ContainerName(c)] = c
			}
		}
		return m
	}
	was, now := index(prev), index(cur)
	var out []ContainerChange
	for name, c := range now {
		p, ok := was[name]
		if !ok {
			out = append(out, ContainerChange{Name: name, Kind: c.Kind, Change: "new", After: c.Documents, Unit: "documents"})
			continue
		}
		if ch, moved := moved(p, c, th); moved {
			ch.Name, ch.Kind = name, c.Kind
			out = append(out, ch)
		}
	}
	for name, p := range was {
		if _, ok := now[name]; !ok {
			out = append(out, ContainerChange{Name: name, Kind: p.Kind, Change: "gone", Before: p.Documents, Unit: "documents"})
		}
	}
	slices.SortFunc(out, func(a, b ContainerChange) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// moved compares documents when both sides counted them, else bytes.
func moved(p, c event.Container, th Thresholds) (ContainerChange, bool) {
	before, after, unit, scale := p.Documents, c.Documents, "documents", int64(1)
	if before == nil || after == nil {
		before, after, unit, scale = p.Bytes, c.Bytes, "bytes", 1024
	}
	if before == nil || after == nil {
		return ContainerChange{}, false
	}
	delta := *after - *before
	if delta == 0 {
		return ContainerChange{}, false
	}
	abs := max(delta, -delta)
	if abs < th.MinDelta*scale {
		return ContainerChange{}, false
	}
	base := max(*before, 1)
	if float64(abs)/float64(base) < th.Ratio {
		return ContainerChange{}, false
	}
	ch := ContainerChange{Change: "up", Before: before, After: after, Unit: unit}
	if delta < 0 {
		ch.Change = "down"
	}
	return ch, true
}
