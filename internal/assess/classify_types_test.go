package assess

import (
	"testing"

	"github.com/leakwatch/leakwatch/internal/classify"
)

// TestEveryClassifierTypeIsKnown: a type the classifier reports but the
// assessor does not know would be graded as a mere hint, so a new detector
// must come with its row in types.go (and docs/severity.md).
func TestEveryClassifierTypeIsKnown(t *testing.T) {
	for _, d := range classify.Detectors {
		if lookupType(d.Type) == nil {
			t.Errorf("classifier type %q (rule %s) is unknown to assess: add it to types.go", d.Type, d.ID)
		}
	}
}
