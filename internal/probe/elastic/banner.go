package elastic

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Products this probe tells apart (event.Service.Product).
const (
	productElasticsearch = "Elasticsearch"
	productOpenSearch    = "OpenSearch"
	productZincSearch    = "ZincSearch"
)

// banner is what "/" said about the server.
type banner struct {
	svc *event.Service
	// base is the path prefix of the ES API: "" or "/es" (ZincSearch's own port).
	base string
	// authStatus is the HTTP status (401/403) when "/" demanded credentials.
	authStatus int
	authHint   string
}

// rootDoc is the JSON banner of GET /.
type rootDoc struct {
	Name        string `json:"name"`
	ClusterName string `json:"cluster_name"`
	ClusterUUID string `json:"cluster_uuid"`
	Tagline     string `json:"tagline"`
	Version     struct {
		Number        string `json:"number"`
		Distribution  string `json:"distribution"`
		BuildFlavor   string `json:"build_flavor"`
		LuceneVersion string `json:"lucene_version"`
	} `json:"version"`
}

// detect identifies an ES-API server from GET / (nil, nil when it is
// something else). A redirect is never followed: ZincSearch's own redirect
// to its UI is recognised and its /es/ banner read instead; a redirect
// elsewhere is reported as out of scope.
func detect(ctx context.Context, env *probe.Env, c *httpx.Client) (*banner, error) {
	r, err := c.Get(ctx, "/")
	if err != nil {
		return nil, err
	}
	if b := parseBanner(r, env.Limits.MaxDepth); b != nil {
		return b, nil
	}
	if b := authChallenge(r); b != nil {
		return b, nil
	}
	if r.Status >= 300 && r.Status < 400 {
		loc := r.Header.Get("Location")
		if !isZincUIRedirect(loc) {
			if isOffsite(loc) {
				return nil, errorf(probe.ErrOutOfScope, "GET /: HTTP %d redirect to %q not followed", r.Status, clip(loc, 120))
			}
			return nil, nil
		}
		r, err = c.Get(ctx, "/es/")
		if err != nil {
			return nil, err
		}
		if b := parseBanner(r, env.Limits.MaxDepth); b != nil {
			b.base = "/es"
			return b, nil
		}
	}
	return nil, nil
}

// isZincUIRedirect matches ZincSearch's "GET / → 302 ./ui/".
func isZincUIRedirect(loc string) bool {
	return loc == "./ui/" || loc == "/ui/" || loc == "ui/"
}

// isOffsite reports whether a Location leaves the target (absolute or
// scheme-relative URL).
func isOffsite(loc string) bool {
	l := strings.ToLower(loc)
	return strings.Contains(l, "://") || strings.HasPrefix(l, "//")
}

// parseBanner recognises the JSON banner of Elasticsearch, OpenSearch and
// ES-compatible servers.
func parseBanner(r *httpx.Response, maxDepth int) *banner {
	if r.Status != http.StatusOK {
		return nil
	}
	var d rootDoc
	if checkDepth(r.Body, maxDepth) != nil || json.Unmarshal(r.Body, &d) != nil {
		return nil
	}
	v := d.Version
	if v.Number == "" || len(v.Number) > 64 {
		return nil
	}
	esLike := strings.Contains(d.Tagline, "You Know, for Search") ||
		strings.EqualFold(v.Distribution, "opensearch") ||
		(d.ClusterUUID != "" && v.LuceneVersion != "")
	if !esLike {
		return nil
	}
	svc := &event.Service{Name: "elasticsearch", Product: productElasticsearch, Version: clip(v.Number, 64), Info: map[string]string{}}
	switch {
	case strings.EqualFold(v.Distribution, "opensearch"):
		svc.Product = productOpenSearch
	case d.Name == "zinc" && v.LuceneVersion == "N/A":
		// ZincSearch claims an ES version (ZINC_PLUGIN_ES_VERSION) it is not.
		svc.Product = productZincSearch
		svc.Info["es_version_claimed"] = svc.Version
		svc.Version = ""
	}
	put := func(k, v string) {
		if v != "" && v != "N/A" {
			svc.Info[k] = clip(v, 128)
		}
	}
	put("cluster_name", d.ClusterName)
	put("cluster_uuid", d.ClusterUUID)
	put("node_name", d.Name)
	put("build_flavor", v.BuildFlavor)
	put("lucene_version", v.LuceneVersion)
	if p := r.Header.Get("X-Elastic-Product"); p != "" {
		put("x_elastic_product", p)
	}
	return &banner{svc: svc}
}

// authChallenge recognises the 401 of Elasticsearch's security realm
// (WWW-Authenticate: Basic realm="security", body "security_exception") and
// of the OpenSearch security plugin (realm="OpenSearch Security").
func authChallenge(r *httpx.Response) *banner {
	if r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
		return nil
	}
	realm := strings.ToLower(strings.Join(r.Header.Values("WWW-Authenticate"), ", "))
	body := r.Body[:min(len(r.Body), 4096)]
	svc := &event.Service{Name: "elasticsearch", Product: productElasticsearch}
	var hint string
	switch {
	case strings.Contains(realm, `realm="opensearch security"`):
		svc.Product, hint = productOpenSearch, `WWW-Authenticate realm "OpenSearch Security"`
	case strings.Contains(realm, `realm="security"`):
		hint = `WWW-Authenticate realm "security"`
	case strings.Contains(string(body), `"security_exception"`):
		hint = "security_exception"
		if strings.Contains(strings.ToLower(string(body)), "opensearch") {
			svc.Product = productOpenSearch
		}
	default:
		return nil
	}
	return &banner{svc: svc, authStatus: r.Status, authHint: hint}
}

// clip shortens s to n bytes of valid UTF-8, for text that goes into events.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}
