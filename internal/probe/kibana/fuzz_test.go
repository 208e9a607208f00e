package kibana

import (
	"encoding/json"
	"testing"
)

// FuzzParse feeds status, _cat/indices and _search answers to the parsers.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"kibana-7-status.json", "kibana-8-status.json", "kibana-8-status-redacted.json",
		"osd-2-status.json", "kibana-401.json", "cat-indices.json", "search.json"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if st, ok := parseStatus(b); ok && st.full() {
			if svc := st.service(nameInfo{}); svc.Name != "kibana" || len(svc.Version) > 64 {
				t.Fatalf("service %+v", svc)
			}
		}
		isBoom(b)
		var rows []catIndex
		if json.Unmarshal(b, &rows) == nil {
			for _, r := range rows {
				c := r.container()
				if (c.Documents != nil && *c.Documents < 0) || (c.Bytes != nil && *c.Bytes < 0) {
					t.Fatalf("negative count kept: %+v", c)
				}
			}
		}
		var sr searchResponse
		_ = json.Unmarshal(b, &sr)
	})
}
