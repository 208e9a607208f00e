package report

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/event"
)

// Bounds keep a report readable and its size predictable, whatever a hostile
// server returned.
const (
	maxContainerRows = 200
	maxFindingRows   = 200
	maxExamples      = 3
	maxExampleRunes  = 80
	maxTextRunes     = 400
	maxNameRunes     = 120
	maxErrors        = 5
)

// view is what both the HTML and the Markdown templates render; every string
// in it is plain text that the template escapes for its format.
type view struct {
	Title, Tool, ScanID, Scope, Reporter, Generated string
	Counts                                          []countView
	Exposures                                       []exposureView
}

type countView struct {
	Severity string
	N        int
}

type exposureView struct {
	N                                       int
	Anchor                                  string
	Address, Host, Service, Product         string
	Version, Status, Access, Proof          string
	TLS, Resolved, Truncated                bool
	Severity                                string
	Reasons                                 []string
	Since                                   *sinceView
	FirstSeen, LastSeen                     string
	Observations                            int
	Compromise                              []indicatorView
	Totals                                  string
	AffectedRecords                         string
	Containers                              []containerRow
	ContainersHidden                        int
	Findings                                []findingRow
	FindingsHidden                          int
	Impact, Remediation, UserAdvice, Verify []string
	Errors                                  []string
}

type sinceView struct {
	Time, Source, Evidence string
	Hints                  []hintView
}

type hintView struct{ Time, Source, Evidence string }

type indicatorView struct{ Kind, Container, Detail string }

type containerRow struct {
	Kind, Name, Documents, Size, Created, Oldest, Severity, Records string
}

type findingRow struct {
	Container, Field, Type, Confidence, Count, Documents, Examples string
}

func buildView(r Report) view {
	v := view{
		Title: clip(r.Title, maxTextRunes), Tool: clip(r.Tool, maxTextRunes), ScanID: clip(r.ScanID, maxTextRunes),
		Scope: clip(r.Scope, maxTextRunes), Reporter: clip(r.Reporter, maxTextRunes), Generated: stamp(r.Generated),
	}
	exps := append([]Exposure(nil), r.Exposures...)
	sort.SliceStable(exps, func(i, j int) bool {
		a, b := exps[i].Event, exps[j].Event
		if ra, rb := a.Assessment.Severity.Rank(), b.Assessment.Severity.Rank(); ra != rb {
			return ra > rb
		}
		return addr(a) < addr(b)
	})
	counts := map[event.Severity]int{}
	for i, x := range exps {
		v.Exposures = append(v.Exposures, exposureOf(i+1, x))
		counts[x.Event.Assessment.Severity]++
	}
	for i := len(event.Severities) - 1; i >= 0; i-- {
		if s := event.Severities[i]; counts[s] > 0 {
			v.Counts = append(v.Counts, countView{Severity: string(s), N: counts[s]})
		}
	}
	return v
}

func exposureOf(n int, x Exposure) exposureView {
	ev, a := x.Event, x.Event.Assessment
	e := exposureView{
		N: n, Anchor: "exposure-" + strconv.Itoa(n),
		Address: addr(ev), Host: clip(ev.Host, maxNameRunes), TLS: ev.TLS, Resolved: x.Resolved,
		Status: string(ev.Status), Access: accessText(ev), Proof: clip(ev.Access.Proof, maxTextRunes),
		Severity: string(a.Severity), Reasons: clipAll(a.Reasons),
		FirstSeen: stamp(x.FirstSeen), LastSeen: stamp(x.LastSeen), Observations: x.Observations,
		Impact: clipAll(a.Impact), Remediation: clipAll(a.Remediation),
		UserAdvice: clipAll(a.UserAdvice), Verify: clipAll(a.Verify),
	}
	e.Service, e.Product = "unknown service", ""
	if s := ev.Service; s != nil {
		e.Service = clip(s.Name, maxNameRunes)
		e.Product = clip(s.Product, maxNameRunes)
		e.Version = clip(s.Version, maxNameRunes)
	}
	if s := a.ExposedSince; s != nil {
		sv := &sinceView{Time: stamp(s.Time), Source: clip(s.Source, maxNameRunes), Evidence: clip(s.Evidence, maxTextRunes)}
		for _, h := range s.Hints {
			sv.Hints = append(sv.Hints, hintView{Time: stamp(h.Time), Source: clip(h.Source, maxNameRunes), Evidence: clip(h.Evidence, maxTextRunes)})
		}
		e.Since = sv
	}
	for _, in := range a.Compromise {
		e.Compromise = append(e.Compromise, indicatorView{Kind: clip(in.Kind, maxNameRunes),
			Container: clip(in.Container, maxNameRunes), Detail: clip(in.Detail, maxTextRunes)})
	}
	if a.AffectedRecords > 0 {
		e.AffectedRecords = "about " + count(a.AffectedRecords)
	}
	if d := ev.Dataset; d != nil {
		e.Truncated = d.Truncated
		if d.Totals.Containers == 0 && len(d.Containers) > 0 {
			dc := *d // totals not computed by the producer: compute them on a copy
			dc.ComputeTotals()
			d = &dc
		}
		e.Totals = fmt.Sprintf("%s %s, %s documents, %s", count(int64(d.Totals.Containers)),
			plural(d.Totals.Containers, "container", "containers"), count(d.Totals.Documents), size(d.Totals.Bytes))
		grades := map[string]event.ContainerSeverity{}
		for _, c := range a.Containers {
			grades[c.Name] = c
		}
		for i := range d.Containers {
			if i == maxContainerRows {
				e.ContainersHidden = len(d.Containers) - i
				break
			}
			c := &d.Containers[i]
			key := assess.ContainerKey(c)
			row := containerRow{Kind: clip(c.Kind, 40), Name: clip(key, maxNameRunes),
				Documents: optCount(c.Documents), Size: optSize(c.Bytes),
				Created: optStamp(c.Created), Oldest: optStamp(c.Oldest)}
			if g, ok := grades[key]; ok {
				row.Severity = string(g.Severity)
				if g.Records > 0 {
					row.Records = count(g.Records)
				}
			}
			e.Containers = append(e.Containers, row)
		}
	}
	for i, f := range ev.Findings {
		if i == maxFindingRows {
			e.FindingsHidden = len(ev.Findings) - i
			break
		}
		e.Findings = append(e.Findings, findingRow{
			Container: clip(f.Container, maxNameRunes), Field: clip(f.Field, maxNameRunes),
			Type: clip(assess.LookupType(f.Type).Label, 60), Confidence: clip(f.Confidence, 20),
			Count: count(int64(f.Count)), Documents: count(int64(f.Documents)),
			Examples: examples(f.Examples),
		})
	}
	for i, s := range ev.Errors {
		if i == maxErrors {
			e.Errors = append(e.Errors, fmt.Sprintf("%d more", len(ev.Errors)-i))
			break
		}
		e.Errors = append(e.Errors, clip(s, maxTextRunes))
	}
	return e
}

// examples joins the classifier's redacted examples, bounded.
func examples(ex []string) string {
	var out []string
	for i, s := range ex {
		if i == maxExamples {
			break
		}
		out = append(out, clip(s, maxExampleRunes))
	}
	return strings.Join(out, ", ")
}

func accessText(ev *event.Event) string {
	switch {
	case ev.Status != event.StatusOpen:
		return "none without credentials"
	case ev.Access.Level == event.AccessData:
		return "data readable without credentials"
	default:
		return "metadata readable without credentials (names, counts, versions)"
	}
}

func addr(ev *event.Event) string {
	return net.JoinHostPort(clip(ev.IP, 45), strconv.Itoa(ev.Port))
}

// clip removes control characters (newlines would break Markdown tables and
// list items) and cuts long server-controlled text.
func clip(s string, maxRunes int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxRunes {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func clipAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = clip(s, maxTextRunes*2)
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func optStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

func optCount(n *int64) string {
	if n == nil {
		return ""
	}
	return count(*n)
}

func optSize(n *int64) string {
	if n == nil {
		return ""
	}
	return size(*n)
}

// count writes 1234567 as "1,234,567".
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// size writes bytes in SI units: "1.2 MB".
func size(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " B"
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB", "PB"} {
		f /= 1000
		if f < 1000 {
			return strconv.FormatFloat(f, 'f', 1, 64) + " " + u
		}
	}
	return strconv.FormatFloat(f/1000, 'f', 1, 64) + " EB"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
