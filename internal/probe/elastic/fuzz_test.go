package elastic

import (
	"encoding/json"
	"testing"
)

// The fuzz targets run the parsers of remote answers on arbitrary bytes:
// none may panic, and what they keep must respect the limits.

func FuzzBanner(f *testing.F) {
	f.Add(200, []byte(fakeBanner), "")
	f.Add(200, []byte(`{"name":"zinc","version":{"number":"8.11.0","lucene_version":"N/A"},"tagline":"You Know, for Search"}`), "")
	f.Add(401, []byte(`{"error":{"type":"security_exception"}}`), `Basic realm="security"`)
	f.Add(401, []byte("Unauthorized"), `Basic realm="OpenSearch Security"`)
	f.Add(200, []byte(`{"version":{"number":[[[[[[]]]]]]}}`), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, auth string) {
		r := resp(status, string(body), "WWW-Authenticate", auth)
		if b := parseBanner(r, 16); b != nil && (len(b.svc.Version) > 64 || b.svc.Name != "elasticsearch") {
			t.Fatalf("banner %+v", b.svc)
		}
		authChallenge(r)
	})
}

func FuzzCatRow(f *testing.F) {
	f.Add([]byte(`{"index":"a","docs.count":"1000","store.size":"4096","creation.date":"1700000000000"}`))
	f.Add([]byte(`{"index":"a","docs.count":"9223372036854775808","store.size":-1,"creation.date":"x"}`))
	f.Add([]byte(`{"index":"a","docs.count":null,"store.size":"","creation.date":1e400}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var row catRow
		if json.Unmarshal(b, &row) != nil {
			return
		}
		for _, n := range []count{row.Docs, row.Store, row.Created} {
			if n.set && n.v < 0 {
				t.Fatalf("negative count accepted: %+v", n)
			}
			if n.set && n.bad != "" {
				t.Fatalf("count both valid and bad: %+v", n)
			}
		}
		epochMillis(row.Created)
	})
}

func FuzzMappingFields(f *testing.F) {
	f.Add([]byte(`{"mappings":{"properties":{"a":{"type":"text"},"b":{"properties":{"c":{"type":"long"}}}}}}`), 5)
	f.Add([]byte(`{"mappings":{"_doc":{"properties":{"a":{"type":"text"}}}}}`), 5)
	f.Add([]byte(`{"properties":{"a":{"properties":{"a":{"properties":{"a":{}}}}}}}`), 1)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		max = int(uint(max)%50) + 1
		if checkDepth(b, 16) != nil {
			return
		}
		if got := mappingFields(b, max, 8); len(got) > max {
			t.Fatalf("%d fields > %d", len(got), max)
		}
	})
}

func FuzzSearchResponse(f *testing.F) {
	f.Add([]byte(`{"hits":{"total":{"value":200,"relation":"eq"},"hits":[{"_index":"a","_id":"1","_source":{"x":1}}]}}`))
	f.Add([]byte(`{"hits":{"total":18446744073709551616,"hits":[]}}`))
	f.Add([]byte(`{"hits":{"total":{"value":-1,"relation":"gte"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var sr searchResponse
		if checkDepth(b, 20) != nil || json.Unmarshal(b, &sr) != nil {
			return
		}
		if n, _ := sr.total(); n.set && n.v < 0 {
			t.Fatalf("negative total %d", n.v)
		}
		ransomIndicators([]*index{{name: "read_me", samples: nil}})
	})
}

func FuzzCheckDepth(f *testing.F) {
	f.Add([]byte(`{"a":[{"b":"[[[["}]}`), 3)
	f.Add([]byte(`"\\\"[[["`), 1)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		max = int(uint(max)%40) + 1
		if checkDepth(b, max) == nil && json.Valid(b) {
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if d := depthOf(v); d > max {
				t.Fatalf("depth %d passed a limit of %d", d, max)
			}
		}
	})
}

func depthOf(v any) int {
	switch x := v.(type) {
	case map[string]any:
		d := 0
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	case []any:
		d := 0
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}
