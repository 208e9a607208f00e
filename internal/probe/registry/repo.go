package registry

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// manifestAccept lists single-image manifest types; an index (multi-arch
// list) is recognised and skipped rather than walked.
const manifestAccept = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"

type repoReader struct {
	env *probe.Env
	c   *httpx.Client
}

// read inventories one repository: its tags, and (when sampling) the image
// config of one tag, preferring "latest".
func (x repoReader) read(ctx context.Context, repo string) (event.Container, error) {
	ct := event.Container{Kind: "repository", Name: repo}
	path := fmt.Sprintf("/v2/%s/tags/list?n=%d", repoPath(repo), maxTagsPerRepo)
	r, err := x.c.Get(ctx, path)
	if err != nil {
		return ct, err
	}
	if r.Status != 200 {
		return ct, &httpx.StatusError{Path: path, Status: r.Status}
	}
	tags, err := parseTags(r.Body)
	if err != nil {
		return ct, fmt.Errorf("%s: %w", path, err)
	}
	if len(tags) > maxTagsPerRepo {
		tags = tags[:maxTagsPerRepo]
	}
	ct.Documents = event.Int64(int64(len(tags)))
	ct.Fields = tags[:min(len(tags), x.env.Limits.MaxFields)]
	if len(tags) == 0 || x.env.Limits.Sample <= 0 {
		return ct, nil
	}
	tag := tags[0]
	if slices.Contains(tags, "latest") {
		tag = "latest"
	}
	return ct, x.image(ctx, &ct, repo, tag)
}

// image reads the manifest of repo:tag (for the layer sizes and the config
// digest) and then the config blob (creation date, Env, Labels).
func (x repoReader) image(ctx context.Context, ct *event.Container, repo, tag string) error {
	path := fmt.Sprintf("/v2/%s/manifests/%s", repoPath(repo), url.PathEscape(tag))
	r, err := x.c.WithHeader("Accept", manifestAccept).Get(ctx, path)
	if err != nil {
		return err
	}
	if r.Status != 200 {
		return &httpx.StatusError{Path: path, Status: r.Status}
	}
	m, err := parseManifest(r.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if m.isIndex() || !strings.HasPrefix(m.Config.Digest, "sha256:") {
		return nil // multi-arch index or schema 1: no single config to read
	}
	if size := m.layerBytes(); size != nil {
		ct.Bytes = size
	}
	path = fmt.Sprintf("/v2/%s/blobs/%s", repoPath(repo), url.PathEscape(m.Config.Digest))
	r, err = x.c.Get(ctx, path)
	if err != nil {
		return err
	}
	if r.Status != 200 { // 307 to external storage is not followed
		return &httpx.StatusError{Path: path, Status: r.Status}
	}
	cfg, err := parseImageConfig(r.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !cfg.Created.IsZero() {
		created := cfg.Created.UTC()
		ct.Created = &created
	}
	ct.Samples = []event.Sample{cfg.sample(repo+":"+tag, x.env.Limits.MaxSampleBytes)}
	ct.Sampled = 1
	return nil
}

// repoPath escapes each path segment of a repository name ("a/b" stays a/b).
func repoPath(repo string) string {
	parts := strings.Split(repo, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
