package registry

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		`{"repositories":["smsgw/api"]}`, `{"name":"smsgw/api","tags":["latest","1.4.2"]}`, `{"tags":null}`,
		`{"schemaVersion":2,"config":{"digest":"sha256:ab","size":10},"layers":[{"size":100}]}`,
		`{"schemaVersion":2,"manifests":[{"digest":"sha256:cd"}]}`,
		`{"created":"2024-01-15T09:00:00Z","config":{"Env":["DB_PASSWORD=x"],"Labels":{"a":"b"}},"history":[{"created_by":"RUN x"}]}`,
		`{"errors":[{"code":"UNAUTHORIZED"}]}`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		identify(&httpx.Response{Status: 200, Header: http.Header{"Docker-Distribution-Api-Version": {string(b)}}, Body: b})
		parseCatalog(b)
		parseTags(b)
		if m, err := parseManifest(b); err == nil {
			if s := m.layerBytes(); s != nil && *s < 0 {
				t.Fatal("negative size")
			}
		}
		if c, err := parseImageConfig(b); err == nil {
			if s := c.sample("k", 100); len(s.Data) > 100 {
				t.Fatal("sample too large")
			}
		}
	})
}
