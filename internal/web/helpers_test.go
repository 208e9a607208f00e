package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/store"
	"github.com/leakwatch/leakwatch/internal/store/pgtest"
	"github.com/leakwatch/leakwatch/internal/web/webtest"
)

// testServer is a Server over a filled store, behind httptest.
type testServer struct {
	srv   *Server
	ts    *httptest.Server
	token string
	st    *store.Store
	scans []string
}

// onBothBackends runs fn as a "sqlite" and a "postgres" subtest;
// newTestServer opens the matching store.
func onBothBackends(t *testing.T, fn func(*testing.T)) {
	t.Run("sqlite", fn)
	t.Run("postgres", fn)
}

func newTestServer(t *testing.T, fill bool, tls bool) *testServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "lw.db")
	if strings.HasSuffix(t.Name(), "/postgres") {
		dsn = pgtest.DSN(t) // the same pages over a PostgreSQL store
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var scans []string
	if fill {
		if scans, err = webtest.Fill(ctx, st, 250); err != nil {
			t.Fatal(err)
		}
	}
	v, token, err := LoadOrCreateToken(filepath.Join(dir, "web-token.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: st, Verifier: v, TLS: tls, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var ts *httptest.Server
	if tls {
		ts = httptest.NewTLSServer(srv)
	} else {
		ts = httptest.NewServer(srv)
	}
	t.Cleanup(ts.Close)
	return &testServer{srv: srv, ts: ts, token: token, st: st, scans: scans}
}

// client returns a client that keeps cookies and never follows redirects.
func (s *testServer) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *s.ts.Client() // a copy: ts.Client() is one shared client
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

var hiddenCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login signs c in through the form and returns the session's CSRF token.
func (s *testServer) login(t *testing.T, c *http.Client) string {
	t.Helper()
	s.srv.limiter.reset() // tests log in more often than people do
	body := s.get(t, c, "/login", http.StatusOK)
	m := hiddenCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("login form has no csrf_token")
	}
	resp, err := c.PostForm(s.ts.URL+"/login", url.Values{"csrf_token": {m[1]}, "token": {s.token}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := s.get(t, c, "/", http.StatusOK)
	m = hiddenCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("overview has no logout form with a csrf_token")
	}
	return m[1]
}

func (s *testServer) get(t *testing.T, c *http.Client, path string, want int) string {
	t.Helper()
	resp, err := c.Get(s.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %.300s", path, resp.StatusCode, want, b)
	}
	return string(b)
}

func (s *testServer) bearer(t *testing.T, method, path string, body io.Reader) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, s.ts.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+s.token)
	c := *s.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// concretePath turns a route pattern into a path that the route serves.
func concretePath(pattern string) string {
	switch {
	case pattern == "/{$}":
		return "/"
	case pattern == "/":
		return "/no-such-page"
	case strings.HasSuffix(pattern, "/"):
		return pattern + "no-such-thing"
	}
	return pattern
}
