// Package labtest gives tests the addresses of the lab's real servers
// (lab/lab.sh up writes them to lab/run/lab.env). A test whose server is not
// running skips with the reason, or fails when LEAKWATCH_LAB_STRICT=1.
package labtest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	once sync.Once
	vals map[string]string
)

func load() {
	vals = map[string]string{}
	dir, _ := os.Getwd()
	for {
		f, err := os.Open(filepath.Join(dir, "lab", "run", "lab.env"))
		if err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok {
					vals[k] = v
				}
			}
			f.Close()
			break
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	for _, kv := range os.Environ() { // the environment wins over the file
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "LEAKWATCH_LAB_") {
			vals[k] = v
		}
	}
}

// Lookup returns LEAKWATCH_LAB_<key>, if the lab published it.
func Lookup(key string) (string, bool) {
	once.Do(load)
	v, ok := vals["LEAKWATCH_LAB_"+key]
	return v, ok && v != ""
}

// Get returns LEAKWATCH_LAB_<key> or skips (fails in strict mode) the test.
func Get(t testing.TB, key string) string {
	t.Helper()
	v, ok := Lookup(key)
	if !ok {
		msg := "lab value LEAKWATCH_LAB_" + key + " not set: run lab/lab.sh up (see lab/run/logs)"
		if os.Getenv("LEAKWATCH_LAB_STRICT") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return v
}
