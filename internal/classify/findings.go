package classify

import (
	"bytes"
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
		e.sample(smp, func(d Detection) {
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

// sample classifies one sample. A text value read under a key (Redis,
// Memcached, etcd) takes its context from the key's last named segment:
// "config:db_password" is a password field, "sms:1234" a message.
func (e *Engine) sample(smp event.Sample, emit func(Detection)) {
	format := sampleFormat(smp.Format)
	doc := smp.Data
	if format == "" {
		format = "text"
		if t := bytes.TrimLeft(doc, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			format = "json"
		}
	}
	seg := keySegment(smp.Key)
	if format != "text" || seg == "" {
		e.Document(doc, format, emit)
		return
	}
	s := e.get()
	defer e.put(s)
	s.begin(emit)
	if len(doc) > e.opts.MaxDocument {
		doc = doc[:e.opts.MaxDocument]
	}
	k := s.keys.get([]byte(seg))
	if k&ctxLogMeta != 0 {
		s.logDoc = true
	}
	s.value(nil, k, doc)
	s.finish()
}

// keySegment returns the last segment of a key-value store key that is a
// name, not a number or id ("user:42:password" -> "password").
func keySegment(key string) string {
	for key != "" {
		i := strings.LastIndexAny(key, ":/.|#")
		seg := key[i+1:]
		if seg != "" && strings.Trim(seg, "0123456789-") != "" && len(seg) <= 64 && !looksLikeID(seg) {
			return seg
		}
		if i < 0 {
			return ""
		}
		key = key[:i]
	}
	return ""
}

// looksLikeID: hex or UUID-like segments carry no field meaning.
func looksLikeID(seg string) bool {
	if len(seg) < 8 {
		return false
	}
	for i := 0; i < len(seg); i++ {
		if !isHex(seg[i]) && seg[i] != '-' {
			return false
		}
	}
	return true
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
