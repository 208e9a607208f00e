package web

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestAPIDocumented fails when an API route is missing from
// docs/openapi.yaml (with its method) or from docs/api.md.
func TestAPIDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		OpenAPI string                               `yaml:"openapi"`
		Paths   map[string]map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", spec.OpenAPI)
	}
	md, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, false, false).srv
	documented := 0
	for _, r := range srv.Routes() {
		if !r.API || r.Method == "" {
			continue
		}
		if _, ok := spec.Paths[r.Pattern][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in docs/openapi.yaml", r.Method, r.Pattern)
		}
		if !strings.Contains(string(md), "`"+r.Method+" "+r.Pattern+"`") {
			t.Errorf("%s %s is not in docs/api.md", r.Method, r.Pattern)
		}
		documented++
	}
	if documented != len(spec.Paths) {
		t.Errorf("docs/openapi.yaml has %d paths, the router %d API routes", len(spec.Paths), documented)
	}
}
