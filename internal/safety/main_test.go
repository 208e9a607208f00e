package safety

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var binDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "leakwatch-safety-")
	if err != nil {
		panic(err)
	}
	binDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
	buildOut  []byte
)

// leakwatchBinary builds cmd/leakwatch once per test run: the scope proof
// exercises the binary users run, flags and all.
func leakwatchBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(binDir, "leakwatch")
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/leakwatch")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/leakwatch: %v\n%s", buildErr, buildOut)
	}
	return bin
}
