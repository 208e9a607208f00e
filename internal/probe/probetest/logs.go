package probetest

import (
	"bufio"
	"io"
	"os"
	"testing"
)

// FileSize is the size of a lab server's log, to read back only what a test
// caused (see LogLines).
func FileSize(t testing.TB, name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// LogLines returns the lines of the log file name after byte offset (lines
// up to 1 MiB).
func LogLines(t testing.TB, name string, offset int64) []string {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
