package safety

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

var (
	fullRef = regexp.MustCompile("^((?:internal|cmd|docs)(?:/[a-z0-9_]+)*)/((?:Test|Fuzz)[A-Za-z0-9_]+)$")
	bareRef = regexp.MustCompile("^(?:Test|Fuzz)[A-Za-z0-9_]+$")
	pkgCell = regexp.MustCompile("^(?:internal|cmd)(?:/[a-z0-9_]+)+$")
	ticks   = regexp.MustCompile("`([^`]+)`")
)

// TestSecurityDocNamesRealTests keeps docs/security.md honest: every test
// or fuzz target it names (package/TestName, or a bare TestName after one
// in the same table row, or under a package in the row's first cell) must
// exist as a func in that package's _test.go files.
func TestSecurityDocNamesRealTests(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{} // package dir → its test files' text
	source := func(pkg string) string {
		if s, ok := sources[pkg]; ok {
			return s
		}
		var b strings.Builder
		names, _ := filepath.Glob(filepath.Join(root, pkg, "*_test.go"))
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
		sources[pkg] = b.String()
		return sources[pkg]
	}
	checked := 0
	for i, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(line, "|")
		pkg := ""
		if len(cells) > 1 && pkgCell.MatchString(strings.TrimSpace(cells[1])) {
			pkg = strings.TrimSpace(cells[1])
		}
		for _, m := range ticks.FindAllStringSubmatch(line, -1) {
			tok, name := m[1], ""
			if f := fullRef.FindStringSubmatch(tok); f != nil {
				pkg, name = f[1], f[2]
			} else if bareRef.MatchString(tok) {
				if pkg == "" {
					t.Errorf("docs/security.md:%d: %s names no package", i+1, tok)
					continue
				}
				name = tok
			} else {
				continue
			}
			checked++
			if !strings.Contains(source(pkg), "func "+name+"(") {
				t.Errorf("docs/security.md:%d: %s/%s does not exist", i+1, pkg, name)
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d test references found: the parser no longer understands the tables", checked)
	}
	t.Logf("%d test references checked", checked)
}
