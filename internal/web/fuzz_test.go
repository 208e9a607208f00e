package web

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/store"
)

// FuzzExposureQuery feeds arbitrary query strings to the list filters and
// the store: a parameter is either refused with a message or runs as a
// query; it never becomes SQL (an SQL error would mean it did).
func FuzzExposureQuery(f *testing.F) {
	for _, seed := range []string{"q=redis", "q=%25", "q=_", `q=\`, "q='; DROP TABLE exposures;--", "status=new&q=a%5C%25b",
		"severity=high&type=email&page=2&per_page=10", "q=" + strings.Repeat("x", 201), "min_severity=info&ip=1.2.3.4"} {
		f.Add(seed)
	}
	st, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "lw.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		filter, page, err := filterFromQuery(q)
		if err != nil {
			return
		}
		if _, _, err := st.WebExposures(context.Background(), filter, page); err != nil &&
			!strings.HasPrefix(err.Error(), "store: unknown") && !strings.Contains(err.Error(), "longer than") {
			t.Fatalf("%q: %v", raw, err)
		}
	})
}
