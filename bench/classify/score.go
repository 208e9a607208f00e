package classifybench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/leakwatch/leakwatch/internal/classify"
)

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// Precision is TP/(TP+FP) (1 when nothing was reported).
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN) (1 when nothing was expected).
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// Report is the score of a classifier on a corpus.
type Report struct {
	Docs   int
	Bytes  int64
	Total  Counts
	ByType map[string]*Counts
	// A few misses and false alarms, redacted, for debugging.
	Misses, FalseAlarms []string
}

// Score runs e over docs and compares each document's set of (field, type)
// detections, at any confidence, with its labels.
func Score(e *classify.Engine, docs []Doc) Report {
	rep := Report{ByType: map[string]*Counts{}}
	counts := func(t string) *Counts {
		c := rep.ByType[t]
		if c == nil {
			c = &Counts{}
			rep.ByType[t] = c
		}
		return c
	}
	for i, d := range docs {
		rep.Docs++
		rep.Bytes += int64(len(d.Data))
		got := map[Label]string{}
		e.Document(d.Data, "json", func(det classify.Detection) {
			got[Label{det.Field, det.Type}] = det.Redacted
		})
		want := map[Label]bool{}
		for _, l := range d.Labels {
			want[l] = true
		}
		for l, red := range got {
			if want[l] {
				counts(l.Type).TP++
				rep.Total.TP++
			} else {
				counts(l.Type).FP++
				rep.Total.FP++
				if len(rep.FalseAlarms) < 20 {
					rep.FalseAlarms = append(rep.FalseAlarms, fmt.Sprintf("doc %d: %s %s %q", i, l.Field, l.Type, red))
				}
			}
		}
		for l := range want {
			if _, ok := got[l]; !ok {
				counts(l.Type).FN++
				rep.Total.FN++
				if len(rep.Misses) < 20 {
					rep.Misses = append(rep.Misses, fmt.Sprintf("doc %d: %s %s", i, l.Field, l.Type))
				}
			}
		}
	}
	return rep
}

// Print writes the per-type table.
func (r Report) Print(w io.Writer) {
	types := make([]string, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Fprintf(w, "%-24s %7s %5s %5s %9s %7s\n", "type", "TP", "FP", "FN", "precision", "recall")
	for _, t := range types {
		c := r.ByType[t]
		fmt.Fprintf(w, "%-24s %7d %5d %5d %9.4f %7.4f\n", t, c.TP, c.FP, c.FN, c.Precision(), c.Recall())
	}
	fmt.Fprintf(w, "%-24s %7d %5d %5d %9.4f %7.4f\n", "ALL", r.Total.TP, r.Total.FP, r.Total.FN, r.Total.Precision(), r.Total.Recall())
	if len(r.Misses) > 0 {
		fmt.Fprintln(w, "misses:\n  "+strings.Join(r.Misses, "\n  "))
	}
	if len(r.FalseAlarms) > 0 {
		fmt.Fprintln(w, "false alarms:\n  "+strings.Join(r.FalseAlarms, "\n  "))
	}
}

// LoadCorpus reads a corpus written by classifybench -out or
// faker_corpus.py: FILE (JSON Lines) and FILE.labels.jsonl.
func LoadCorpus(path string) ([]Doc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	labels, err := os.ReadFile(path + ".labels.jsonl")
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	docs := make([]Doc, len(lines))
	for i, l := range lines {
		docs[i].Data = l
	}
	for _, l := range bytes.Split(bytes.TrimRight(labels, "\n"), []byte("\n")) {
		var rec struct {
			Line   int     `json:"line"`
			Labels []Label `json:"labels"`
		}
		if err := json.Unmarshal(l, &rec); err != nil {
			return nil, fmt.Errorf("%s.labels.jsonl: %w", path, err)
		}
		if rec.Line < 1 || rec.Line > len(docs) {
			return nil, fmt.Errorf("%s.labels.jsonl: line %d out of range", path, rec.Line)
		}
		docs[rec.Line-1].Labels = rec.Labels
	}
	return docs, nil
}
