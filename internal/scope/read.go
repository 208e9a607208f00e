package scope

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line of a targets file.
const maxLine = 64 << 10

// ReadTargets reads one target per line. Blank lines and everything after a
// '#' are ignored; surrounding space is trimmed.
func ReadTargets(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxLine)
	var out []string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading targets: %w", err)
	}
	return out, nil
}
