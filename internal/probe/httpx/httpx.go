// Package httpx is the HTTP client every HTTP-speaking probe uses. It is
// pinned to the target's IP (no DNS, ever), follows no redirects (a redirect
// is reported, never followed, so a peer cannot send leakwatch out of scope),
// never asks for compression (no decompression bombs), bounds every body and
// identifies itself with leakwatch's User-Agent.
package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Client talks HTTP(S) to one target.
type Client struct {
	t      probe.Target
	env    *probe.Env
	hc     *http.Client
	header http.Header
}

// Response is a fully read, bounded HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// New returns a client for t. TLS certificates are not verified: leakwatch
// reports what is reachable, it does not trust it.
func New(env *probe.Env, t probe.Target) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return env.DialBounded(ctx, t) // pinned: whatever the URL says, only t is dialled
		},
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true, ServerName: serverName(t)}, //nolint:gosec // scanner
		DisableCompression:     true,
		DisableKeepAlives:      false,
		IdleConnTimeout:        500 * time.Millisecond, // a pooled connection must not outlive the probe by much
		MaxIdleConnsPerHost:    1,
		ResponseHeaderTimeout:  env.Limits.ReadTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      false,
	}
	return &Client{t: t, env: env, header: http.Header{}, hc: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// WithHeader returns a copy of c that sends the header on every request.
func (c *Client) WithHeader(k, v string) *Client {
	cp := *c
	cp.header = c.header.Clone()
	cp.header.Set(k, v)
	return &cp
}

func serverName(t probe.Target) string {
	if t.Host != "" {
		return t.Host
	}
	return ""
}

// URL returns the absolute URL of path on the target.
func (c *Client) URL(path string) string {
	scheme := "http"
	if c.t.TLS {
		scheme = "https"
	}
	return scheme + "://" + c.t.HostHeader() + path
}

// Get fetches path.
func (c *Client) Get(ctx context.Context, path string) (*Response, error) {
	return c.Do(ctx, http.MethodGet, path, nil, "")
}

// Do sends one request. Read-only probes use GET, HEAD, and the POSTs that
// some datastores require for queries (e.g. _search); never anything else.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, contentType string) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL(path), rd)
	if err != nil {
		return nil, err
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", probe.UserAgent)
	req.Header.Set("Accept-Encoding", "identity")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := netio.ReadAll(resp.Body, c.env.Limits.MaxResponse)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// GetJSON fetches path and decodes a 2xx JSON body into v. Non-2xx answers
// return a *StatusError (401/403 also wrap probe.ErrAuthRequired).
func (c *Client) GetJSON(ctx context.Context, path string, v any) (*Response, error) {
	r, err := c.Get(ctx, path)
	if err != nil {
		return nil, err
	}
	if r.Status < 200 || r.Status > 299 {
		return r, &StatusError{Path: path, Status: r.Status, Body: snippet(r.Body)}
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return r, probe.Protocolf("%s: invalid JSON: %v", path, err)
	}
	return r, nil
}

// StatusError is a non-2xx answer.
type StatusError struct {
	Path   string
	Status int
	Body   string
}

func (e *StatusError) Error() string { return fmt.Sprintf("%s: HTTP %d: %s", e.Path, e.Status, e.Body) }

// Unwrap lets errors.Is(err, probe.ErrAuthRequired) see 401 and 403.
func (e *StatusError) Unwrap() error {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return probe.ErrAuthRequired
	}
	return nil
}

func snippet(b []byte) string {
	s := strings.ToValidUTF8(string(b[:min(len(b), 200)]), "?")
	return strings.TrimSpace(s)
}
