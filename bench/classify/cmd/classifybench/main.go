// Command classifybench generates the labelled corpus, scores the
// classifier on it and measures throughput in MB per CPU-second (user+sys
// time of this process, so a busy machine does not distort it).
//
//	go run ./bench/classify/cmd/classifybench -n 200000
//	go run ./bench/classify/cmd/classifybench -n 200000 -out /tmp/corpus.jsonl   # also write the corpus and labels
//	go run ./bench/classify/cmd/classifybench -corpus /tmp/faker.jsonl          # score another labelled corpus
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	classifybench "github.com/leakwatch/leakwatch/bench/classify"
	"github.com/leakwatch/leakwatch/internal/classify"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	n := flag.Int("n", 100000, "documents to generate")
	seed := flag.Uint64("seed", 1, "generator seed")
	passes := flag.Int("passes", 3, "timed passes over the corpus (the best is reported)")
	out := flag.String("out", "", "write the corpus as JSON Lines here (labels go to FILE.labels.jsonl)")
	corpus := flag.String("corpus", "", "score this corpus (FILE + FILE.labels.jsonl, e.g. from faker_corpus.py) instead of generating one")
	flag.Parse()

	var docs []classifybench.Doc
	if *corpus != "" {
		var err error
		if docs, err = classifybench.LoadCorpus(*corpus); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	} else {
		docs = classifybench.Generate(*seed, *n)
	}
	if *out != "" {
		if err := write(*out, docs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	e := classify.New(classify.Options{})
	rep := classifybench.Score(e, docs)
	rep.Print(os.Stdout)

	runtime.GC()
	best := 0.0
	var dets int
	for p := 0; p < *passes; p++ {
		dets = 0
		emit := func(classify.Detection) { dets++ }
		c0, w0 := cpuTime(), time.Now()
		for _, d := range docs {
			e.Document(d.Data, "json", emit)
		}
		cpu, wall := cpuTime()-c0, time.Since(w0)
		mbps := float64(rep.Bytes) / 1e6 / cpu.Seconds()
		fmt.Printf("pass %d: %.1f MB in %.2f CPU-s (%.2f s wall): %.0f MB per CPU-second, %.0f docs/CPU-s, %d detections\n",
			p+1, float64(rep.Bytes)/1e6, cpu.Seconds(), wall.Seconds(), mbps, float64(len(docs))/cpu.Seconds(), dets)
		best = max(best, mbps)
	}
	fmt.Printf("best: %.0f MB per CPU-second (GOMAXPROCS=%d)\n", best, runtime.GOMAXPROCS(0))
}

func write(path string, docs []classifybench.Doc) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	lf, err := os.Create(path + ".labels.jsonl")
	if err != nil {
		return err
	}
	defer lf.Close()
	w, lw := bufio.NewWriter(f), bufio.NewWriter(lf)
	for i, d := range docs {
		w.Write(d.Data)
		w.WriteByte('\n')
		b, _ := json.Marshal(struct {
			Line   int                   `json:"line"`
			Labels []classifybench.Label `json:"labels"`
		}{i + 1, d.Labels})
		lw.Write(b)
		lw.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return lw.Flush()
}
