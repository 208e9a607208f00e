// Package registry probes Docker / OCI distribution registries (Docker
// registry 2, Harbor, GitLab, Nexus...): /v2/ with its
// Docker-Distribution-API-Version header identifies the server, _catalog
// lists repositories, tags/list their tags, and one image config per
// repository gives the creation date and the Env / Labels baked into the
// image (a common home for passwords and API keys).
package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Probe is the registry probe.
type Probe struct{}

// New returns the probe.
func New() probe.Probe { return Probe{} }

// Name implements probe.Probe.
func (Probe) Name() string { return "docker-registry" }

// DefaultPorts implements probe.Probe.
func (Probe) DefaultPorts() []int { return []int{5000} }

// Identify asks /v2/: every distribution registry answers it (200 or 401)
// with Docker-Distribution-API-Version: registry/2.0.
func (Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	r, err := httpx.New(env, t).Get(ctx, "/v2/")
	if err != nil {
		return nil, err
	}
	return identify(r), nil
}

func identify(r *httpx.Response) *event.Service {
	v := r.Header.Get("Docker-Distribution-Api-Version")
	if !strings.HasPrefix(v, "registry/2") {
		return nil
	}
	svc := &event.Service{Name: "docker-registry", Product: "Docker Registry", Info: map[string]string{"api": v}}
	if s := r.Header.Get("Server"); s != "" {
		svc.Info["server"] = s
	}
	return svc
}

// maxTagsPerRepo bounds tags/list (each tag is a name, not a document).
const maxTagsPerRepo = 1000

// Explore implements probe.Probe.
func (Probe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c := httpx.New(env, t)
	r, err := c.Get(ctx, "/v2/")
	if err != nil {
		return err
	}
	if svc := identify(r); svc != nil {
		ev.Service = svc
	}
	if r.Status != 200 {
		return &httpx.StatusError{Path: "/v2/", Status: r.Status, Body: authHint(r)}
	}
	cat := fmt.Sprintf("/v2/_catalog?n=%d", max(env.Limits.MaxContainers, 1))
	r, err = c.Get(ctx, cat)
	if err != nil {
		return err
	}
	if r.Status != 200 {
		return &httpx.StatusError{Path: cat, Status: r.Status, Body: authHint(r)}
	}
	repos, err := parseCatalog(r.Body)
	if err != nil {
		return err
	}
	ds := &event.Dataset{Truncated: r.Header.Get("Link") != ""} // more pages exist; not followed
	if env.Limits.MaxContainers > 0 && len(repos) > env.Limits.MaxContainers {
		repos, ds.Truncated = repos[:env.Limits.MaxContainers], true
	}
	ev.Status = event.StatusOpen
	ev.Dataset = ds
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("/v2/_catalog listed %d repositories", len(repos))}
	x := repoReader{env: env, c: c}
	configs := 0
	for _, repo := range repos {
		if ctx.Err() != nil {
			ds.Truncated = true
			break
		}
		ct, err := x.read(ctx, repo)
		ds.Containers = append(ds.Containers, ct)
		if err != nil {
			ev.Errors = append(ev.Errors, err.Error())
		}
		configs += ct.Sampled
	}
	if configs > 0 {
		ev.Access.Level = event.AccessData
		ev.Access.Proof += fmt.Sprintf("; read %d image configs (Env, Labels)", configs)
	}
	return nil
}

// authHint keeps the WWW-Authenticate challenge (realm, token service) for the report.
func authHint(r *httpx.Response) string {
	if h := r.Header.Get("Www-Authenticate"); h != "" {
		return "WWW-Authenticate: " + h
	}
	return ""
}
