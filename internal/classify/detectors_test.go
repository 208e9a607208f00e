package classify

import (
	"encoding/json"
	"strings"
	"testing"
)

// scanExample runs one table example: a value in a field, a text document
// (Field ""), or a whole JSON document (Field "" and a value starting '{').
func scanExample(t *testing.T, e *Engine, ex Example) []Detection {
	t.Helper()
	var got []Detection
	emit := func(d Detection) { got = append(got, d) }
	switch {
	case ex.Field == "" && strings.HasPrefix(ex.Value, "{"):
		e.Document([]byte(ex.Value), "json", emit)
	case ex.Field == "":
		e.Document([]byte(ex.Value), "text", emit)
	default:
		doc, _ := json.Marshal(map[string]string{ex.Field: ex.Value})
		e.Document(doc, "json", emit)
	}
	return got
}

func TestDetectorExamples(t *testing.T) {
	e := New(Options{})
	for _, d := range Detectors {
		if len(d.Pos) == 0 || len(d.Neg) == 0 {
			t.Errorf("%s: every detector needs positive and negative examples", d.ID)
		}
		for _, ex := range d.Pos {
			got := scanExample(t, e, ex)
			ok := false
			for _, g := range got {
				if g.Rule == d.ID && g.Type == d.Type {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: missed positive %q=%q (got %+v)", d.ID, ex.Field, ex.Value, got)
			}
		}
		for _, ex := range d.Neg {
			for _, g := range scanExample(t, e, ex) {
				if g.Rule == d.ID {
					t.Errorf("%s: fired on negative %q=%q: %+v", d.ID, ex.Field, ex.Value, g)
				}
			}
		}
	}
}

func TestDetectorTableIsConsistent(t *testing.T) {
	ids := map[string]bool{}
	for _, d := range Detectors {
		if ids[d.ID] {
			t.Errorf("duplicate rule id %s", d.ID)
		}
		ids[d.ID] = true
		if d.Type == "" || d.Anchor == 0 || d.Confidence == 0 {
			t.Errorf("%s: incomplete declaration", d.ID)
		}
		if d.Anchor == AnchorPrefix && len(d.Keywords) == 0 {
			t.Errorf("%s: a prefix detector needs keywords", d.ID)
		}
	}
}
