package assess

import (
	"os"
	"strings"
	"testing"
)

// TestDocsMirrorTables keeps docs/severity.md in step with the tables.
func TestDocsMirrorTables(t *testing.T) {
	b, err := os.ReadFile("../../docs/severity.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, r := range Rules {
		if !strings.Contains(doc, "| "+r.ID+" | ") {
			t.Errorf("rule %s (%s) missing from docs/severity.md", r.ID, r.Scope)
		}
	}
	for _, d := range DataTypes {
		if !strings.Contains(doc, "| "+d.ID+" | ") {
			t.Errorf("type %s missing from docs/severity.md", d.ID)
		}
	}
	for _, s := range ServiceAdvices {
		if !strings.Contains(doc, s.Label) && !strings.Contains(doc, strings.Split(s.Label, " ")[0]) {
			t.Errorf("datastore %s missing from docs/severity.md", s.Label)
		}
	}
}
