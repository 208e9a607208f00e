package assess

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// maxServiceReasons bounds the container reasons repeated at service level.
const maxServiceReasons = 5

// graded is a container's grade and reasons.
type graded struct {
	facts   *containerFacts
	grade   event.Severity
	reasons []string
}

// gradeContainer evaluates the container rows of Rules for one container.
func gradeContainer(ev *event.Event, cf *containerFacts) graded {
	g := graded{facts: cf, grade: event.SeverityInfo}
	usedGroup := map[string]bool{}
	matched := false
	for i := range Rules {
		r := &Rules[i]
		if r.Scope != ScopeContainer || (r.Group != "" && usedGroup[r.Group]) || (r.Fallback && matched) {
			continue
		}
		if !containerRuleMatches(ev, r, cf) {
			continue
		}
		usedGroup[r.Group] = true
		matched = true
		if r.Grade.Rank() > g.grade.Rank() {
			g.grade = r.Grade
		}
		g.reasons = append(g.reasons, reasonFor(r, containerVars(ev, r, cf)))
	}
	if !matched {
		g.reasons = append(g.reasons, fmt.Sprintf("%s: nothing in it was read or classified", subjectOf(cf)))
	}
	return g
}

func containerRuleMatches(ev *event.Event, r *Rule, cf *containerFacts) bool {
	if r.Access != "" && accessOf(ev) != r.Access {
		return false
	}
	if r.Indicator != "" {
		if _, ok := cf.Indicator[r.Indicator]; !ok {
			return false
		}
	}
	if r.SchemaHint {
		if _, cat := hintedFields(fieldsOf(cf)); cat == CategoryNone {
			return false
		}
	}
	if r.Category != CategoryNone {
		n := cf.maxRecords(r.Category)
		if n < 0 || n < r.MinRecords {
			return false
		}
	} else if r.MinRecords > 0 && cf.Documents < r.MinRecords {
		return false
	}
	return true
}

// accessOf is the service's access level; an open service that set none
// answered at least with metadata.
func accessOf(ev *event.Event) event.AccessLevel {
	if ev.Access.Level == event.AccessData {
		return event.AccessData
	}
	return event.AccessMetadata
}

// gradeService combines the container grades with the service rows.
func gradeService(ev *event.Event, containers []graded, indicators []event.Indicator) (event.Severity, []string) {
	content := event.SeverityInfo
	for _, c := range containers {
		if c.grade.Rank() > content.Rank() {
			content = c.grade
		}
	}
	grade := content
	var reasons []string
	usedGroup := map[string]bool{}
	matched := len(containers) > 0 && content.Rank() > event.SeverityInfo.Rank()
	for i := range Rules {
		r := &Rules[i]
		if r.Scope != ScopeService || (r.Group != "" && usedGroup[r.Group]) || (r.Fallback && matched) {
			continue
		}
		vars, ok := serviceRuleMatches(ev, r, indicators)
		if !ok {
			continue
		}
		if r.Group != "" {
			usedGroup[r.Group] = true
		}
		matched = true
		g := r.Grade
		if r.Raise > 0 {
			g = raise(content, r.Raise, r.Grade)
		}
		if r.Final {
			return g, []string{reasonFor(r, vars)}
		}
		if g.Rank() > grade.Rank() {
			grade = g
		}
		reasons = append(reasons, reasonFor(r, vars))
	}
	return grade, append(reasons, containerSummary(containers)...)
}

// serviceRuleMatches reports whether a service row holds, with its placeholders.
func serviceRuleMatches(ev *event.Event, r *Rule, indicators []event.Indicator) (map[string]string, bool) {
	closed := ev.Status != event.StatusOpen
	if closed != r.Closed {
		return nil, false
	}
	vars := map[string]string{
		"{subject}": serviceSubject(ev),
		"{status}":  statusText(ev.Status),
		"{access}":  accessText(accessOf(ev)),
	}
	if r.Access != "" && accessOf(ev) != r.Access {
		return nil, false
	}
	if r.Indicator != "" {
		var details []string
		for _, in := range indicators {
			if in.Kind == r.Indicator {
				details = append(details, indicatorText(in))
			}
		}
		if len(details) == 0 {
			return nil, false
		}
		vars["{detail}"] = joinLimited(details, 3, "; ")
	}
	return vars, true
}

// raise lifts g by n steps, to at least floor, at most critical.
func raise(g event.Severity, n int, floor event.Severity) event.Severity {
	r := min(max(g.Rank(), 0)+n, len(event.Severities)-1)
	r = max(r, floor.Rank())
	return event.Severities[r]
}

// containerSummary repeats the reasons of the worst containers at service
// level; the others are counted (they keep their reasons per container).
func containerSummary(containers []graded) []string {
	sorted := make([]graded, 0, len(containers))
	for _, c := range containers {
		if c.grade.Rank() > event.SeverityInfo.Rank() {
			sorted = append(sorted, c)
		}
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].grade.Rank() > sorted[j].grade.Rank() })
	var out []string
	for i, c := range sorted {
		if i == maxServiceReasons || c.grade != sorted[0].grade {
			out = append(out, fmt.Sprintf("%d more %s graded %s or lower", len(sorted)-i,
				plural(len(sorted)-i, "container is", "containers are"), c.grade))
			break
		}
		out = append(out, c.reasons...)
	}
	return out
}

// reasonFor fills a row's sentence.
func reasonFor(r *Rule, vars map[string]string) string {
	return fill(r.Says, vars) + ": " + fill(r.Why, vars)
}

// fill replaces the {placeholders} of a template; unknown ones stay as written.
func fill(tmpl string, vars map[string]string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		key := tmpl[i : i+j+1]
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(key)
		}
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// containerVars are the placeholders of a container row.
func containerVars(ev *event.Event, r *Rule, cf *containerFacts) map[string]string {
	vars := map[string]string{
		"{subject}":   subjectOf(cf),
		"{documents}": documentsText(cf.Documents),
		"{records}":   "",
		"{types}":     "",
		"{detail}":    "",
	}
	if r.Category != CategoryNone {
		ts := cf.typesOf(r.Category)
		labels := make([]string, len(ts))
		for i, t := range ts {
			labels[i] = t.Type.Label
		}
		vars["{types}"] = joinAnd(labels)
		if n := cf.maxRecords(r.Category); n > 0 {
			vars["{records}"] = fmt.Sprintf(" (about %s %s)", formatCount(n), plural(int(min(n, 2)), "record", "records"))
		}
	}
	if r.Indicator != "" {
		// The subject already names the container: the detail alone.
		vars["{detail}"] = cleanText(cf.Indicator[r.Indicator].Detail, 200)
	}
	if r.SchemaHint {
		names, cat := hintedFields(fieldsOf(cf))
		vars["{fields}"] = joinLimited(names, maxHintFields, ", ")
		vars["{category}"] = cat.String()
	}
	return vars
}

func indicatorText(in event.Indicator) string {
	if in.Container != "" && !strings.Contains(in.Detail, in.Container) {
		return quoteName(in.Container) + ": " + cleanText(in.Detail, 200)
	}
	return cleanText(in.Detail, 200)
}

func documentsText(n int64) string {
	if n < 0 {
		return "an unknown number of documents"
	}
	if n == 1 {
		return "1 document"
	}
	return formatCount(n) + " documents"
}

func statusText(s event.Status) string {
	switch s {
	case event.StatusAuthRequired:
		return "protected (it demands credentials)"
	case event.StatusRefused:
		return "closed (connection refused)"
	case event.StatusTimeout:
		return "not answering (timeout)"
	case event.StatusNotIdentified:
		return "not identified as a datastore"
	case event.StatusNotTested:
		return "not tested (its default credentials were not tried: --no-default-credentials)"
	case "":
		return "in an unknown state"
	}
	return "not readable (" + string(s) + ")"
}

func accessText(a event.AccessLevel) string {
	if a == event.AccessData {
		return "data"
	}
	return "metadata (names, versions, settings)"
}

func fieldsOf(cf *containerFacts) []string {
	if cf.Container == nil {
		return nil
	}
	return cf.Container.Fields
}
