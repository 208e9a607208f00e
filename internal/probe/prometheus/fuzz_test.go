package prometheus

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		buildInfoJSON,
		`{"status":"success","data":{}}`,
		`{"status":"success","data":{"activeTargets":[{"scrapeUrl":"http://db01.corp.internal:9100/metrics","labels":{"job":"node"},"health":"up"}]}}`,
		`{"status":"success","data":{"yaml":"global: {}"}}`,
		`{"status":"success","data":{"headStats":{"numSeries":448},"seriesCountByMetricName":[{"name":"up","value":1}]}}`,
		`{"status":"success","data":{"totalSeries":2}}`,
		`{"status":"success","data":{"web.enable-admin-api":"true"}}`,
		`{"status":"error","error":"x"}`, `Unauthorized` + "\n", `[`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		identify(&httpx.Response{Status: 200, Header: http.Header{}, Body: b})
		identify(&httpx.Response{Status: 401, Header: http.Header{"Www-Authenticate": {"Basic"}}, Body: b})
		data, err := parseEnvelope(b)
		if err != nil {
			return
		}
		parseTargets(data)
		parseConfig(data)
		parseFlags(data)
		if st, err := parseTSDB(data); err == nil {
			if c := st.count(); c != nil && *c < 0 {
				t.Fatal("negative count")
			}
		}
	})
}
