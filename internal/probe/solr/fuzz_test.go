package solr

import (
	"encoding/json"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// FuzzParse feeds the three Solr answers leakwatch parses: nothing may panic,
// counts kept must be non-negative and samples bounded.
func FuzzParse(f *testing.F) {
	f.Add([]byte(systemJSON))
	f.Add([]byte(`{"status":{"a":{"startTime":"2024-01-01T00:00:00Z","index":{"numDocs":3,"sizeInBytes":10}}}}`))
	f.Add([]byte(`{"response":{"numFound":2,"docs":[{"id":1},{"x":"y"}]}}`))
	f.Add([]byte(`{"responseHeader":{},"lucene":{"solr-spec-version":"\xff\xfe"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, ok := parseSystem(b); ok {
			if svc := s.service(); svc.Name != "solr" || len(svc.Version) > 64 {
				t.Fatalf("service %+v", svc)
			}
		}
		var st coreStatus
		if json.Unmarshal(b, &st) == nil {
			cores, _ := st.sorted(5)
			if len(cores) > 5 {
				t.Fatal("MaxContainers ignored")
			}
			for _, c := range cores {
				cont := c.container()
				if (cont.Documents != nil && *cont.Documents < 0) || (cont.Bytes != nil && *cont.Bytes < 0) {
					t.Fatalf("negative count kept: %+v", cont)
				}
				c.loadedAt()
			}
		}
		var sr selectResponse
		if json.Unmarshal(b, &sr) == nil && sr.Response != nil {
			for i, d := range sr.Response.Docs {
				docKey(d, i)
			}
		}
		_ = probe.Protocolf("x")
	})
}
