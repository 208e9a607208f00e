package influxdb

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		`{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["smsgw"]]}]}]}`,
		`{"results":[{"series":[{"name":"sms","columns":["time","count_body"],"values":[["1970-01-01T00:00:00Z",1000]]}]}]}`,
		`{"results":[{"error":"database not found"}]}`, `{"error":"unable to parse authentication credentials"}`,
		`{"results":[{"series":[{"columns":[],"values":[[1e999]]}]}]}`, `[`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		identify(&httpx.Response{Status: 204, Header: http.Header{"X-Influxdb-Version": {string(b)}}})
		errorText(b)
		if ss, err := parseQuery(b); err == nil {
			if n := maxCount(ss); n != nil && *n < 0 {
				t.Fatal("negative count")
			}
		}
	})
}
