package classifybench

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/classify"
)

// TestCorpusScore is the accuracy gate: precision and recall of 0.95 or
// more overall and for every type on a small generated corpus.
func TestCorpusScore(t *testing.T) {
	docs := Generate(1, 3000)
	rep := Score(classify.New(classify.Options{}), docs)
	var b strings.Builder
	rep.Print(&b)
	t.Log("\n" + b.String())
	if p, r := rep.Total.Precision(), rep.Total.Recall(); p < 0.95 || r < 0.95 {
		t.Errorf("overall precision %.4f recall %.4f, want >= 0.95", p, r)
	}
	for typ, c := range rep.ByType {
		if c.Precision() < 0.95 || c.Recall() < 0.95 {
			t.Errorf("%s: precision %.4f recall %.4f (TP %d FP %d FN %d), want >= 0.95", typ, c.Precision(), c.Recall(), c.TP, c.FP, c.FN)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, 50), Generate(7, 50)
	for i := range a {
		if string(a[i].Data) != string(b[i].Data) {
			t.Fatalf("doc %d differs between runs", i)
		}
	}
}

// BenchmarkClassify measures Engine.Document on the generated corpus; the
// MB/s it reports is per CPU-second (one goroutine).
func BenchmarkClassify(b *testing.B) {
	docs := Generate(1, 20000)
	var size int64
	for _, d := range docs {
		size += int64(len(d.Data))
	}
	e := classify.New(classify.Options{})
	n := 0
	emit := func(classify.Detection) { n++ }
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			e.Document(d.Data, "json", emit)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N)/float64(len(docs)), "detections/doc")
}

// BenchmarkReadAndClassify adds the JSON Lines reader (what `leakwatch
// classify` does per file, without output).
func BenchmarkReadAndClassify(b *testing.B) {
	var file []byte
	for _, d := range Generate(1, 20000) {
		file = append(append(file, d.Data...), '\n')
	}
	e := classify.New(classify.Options{})
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := classify.ReadDocuments(bytes.NewReader(file), "corpus.jsonl", classify.ReadOptions{}, func(d classify.InputDoc) error {
			e.Document(d.Data, d.Format, func(classify.Detection) {})
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
