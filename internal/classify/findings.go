package classify

import (
	"context"
	"sort"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Findings classifies a container's samples and aggregates the detections
// per field and type: count, documents with at least one, the highest
// confidence seen (and its rule), and up to 3 distinct redacted examples.
// Array indices in field paths are collapsed to "*" so that "phones.0" and
// "phones.1" aggregate as "phones.*".
func (e *Engine) Findings(containerName string, samples []event.Sample) []event.Finding {
	type key struct{ field, typ string }
	type acc struct {
		f    event.Finding
		conf Confidence
		doc  int
	}
	agg := map[key]*acc{}
	var order []key
	for i, smp := range samples {
		e.Document(smp.Data, sampleFormat(smp.Format), func(d Detection) {
			k := key{CollapseIndices(d.Field), d.Type}
			a := agg[k]
			if a == nil {
				a = &acc{f: event.Finding{Container: containerName, Field: k.field, Type: d.Type}, doc: -1}
				agg[k] = a
				order = append(order, k)
			}
			a.f.Count++
			if a.doc != i {
				a.doc = i
				a.f.Documents++
			}
			if c := ParseConfidence(d.Confidence); c > a.conf {
				a.conf, a.f.Confidence, a.f.Rule = c, d.Confidence, d.Rule
			}
			if len(a.f.Examples) < 3 && !contains(a.f.Examples, d.Redacted) {
				a.f.Examples = append(a.f.Examples, d.Redacted)
			}
		})
	}
	out := make([]event.Finding, 0, len(order))
	for _, k := range order {
		out = append(out, agg[k].f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// Stage returns the pipeline stage that classifies every container's
// Samples into ev.Findings. Findings name the container "parent.name"
// when it has a parent (database.collection), else its name.
func Stage(e *Engine) func(context.Context, *event.Event) {
	return func(ctx context.Context, ev *event.Event) {
		if ev == nil || ev.Dataset == nil {
			return
		}
		for i := range ev.Dataset.Containers {
			if ctx.Err() != nil {
				return
			}
			c := &ev.Dataset.Containers[i]
			if len(c.Samples) == 0 {
				continue
			}
			name := c.Name
			if c.Parent != "" {
				name = c.Parent + "." + c.Name
			}
			ev.Findings = append(ev.Findings, e.Findings(name, c.Samples)...)
		}
	}
}

// sampleFormat maps a Sample.Format to a Document format ("" sniffs).
func sampleFormat(f string) string {
	switch f {
	case "json", "bson", "text":
		return f
	}
	return ""
}

// CollapseIndices replaces numeric path segments with "*".
func CollapseIndices(field string) string {
	if !strings.ContainsAny(field, "0123456789") {
		return field
	}
	parts := strings.Split(field, ".")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, ".")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
