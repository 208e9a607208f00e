package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryRouteRequiresAuth walks the router's own table, so a route added
// later is checked without anyone remembering to add it here.
func TestEveryRouteRequiresAuth(t *testing.T) {
	s := newTestServer(t, true, false)
	var public []string
	for _, r := range s.srv.Routes() {
		if r.Public {
			public = append(public, r.Method+" "+r.Pattern)
		}
	}
	// Adding a public route is a security decision: it must be made here too.
	if want := []string{"GET /login", "POST /login", "GET /assets/"}; !slices.Equal(public, want) {
		t.Fatalf("public routes %q, want exactly %q", public, want)
	}
	c := s.client(t)
	for _, r := range s.srv.Routes() {
		if r.Public {
			continue
		}
		methods := []string{r.Method}
		if r.Method == "" {
			methods = []string{"GET", "POST", "DELETE"}
		}
		for _, m := range methods {
			path := concretePath(r.Pattern)
			for _, authz := range []string{"", "Bearer wrong", "Bearer " + s.token + "x", "Basic " + s.token} {
				req, _ := http.NewRequest(m, s.ts.URL+path, nil)
				if authz != "" {
					req.Header.Set("Authorization", authz)
				}
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "forged-session"})
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				switch {
				case r.API && resp.StatusCode == http.StatusUnauthorized:
				case !r.API && m == "GET" && resp.StatusCode == http.StatusSeeOther &&
					strings.HasPrefix(resp.Header.Get("Location"), "/login"):
				case !r.API && m != "GET" && resp.StatusCode == http.StatusUnauthorized:
				default:
					t.Errorf("%s %s (Authorization %q) without valid credentials: %d %s", m, path, authz,
						resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			// The same request with the token is let through: the check above
			// is about authentication, not a route that always refuses.
			resp := s.bearer(t, m, path, nil)
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized || strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				t.Errorf("%s %s with the token: %d", m, path, resp.StatusCode)
			}
		}
	}
}

// TestCSRF: with a session, every state-changing route refuses a missing,
// forged or cross-origin CSRF token, and accepts the session's own.
func TestCSRF(t *testing.T) {
	s := newTestServer(t, false, false)
	var unsafe []Route
	for _, r := range s.srv.Routes() {
		if !r.Public && r.Method != "GET" {
			unsafe = append(unsafe, r)
		}
	}
	if len(unsafe) < 2 {
		t.Fatalf("only %d state-changing routes: the table changed, check this test", len(unsafe))
	}
	for _, r := range unsafe {
		c := s.client(t)
		tok := s.login(t, c)
		other := s.client(t)
		otherTok := s.login(t, other) // a valid token, of another session
		path := concretePath(r.Pattern)
		cases := []struct {
			name         string
			form, header string
			origin       string
		}{
			{name: "missing"},
			{name: "forged", form: "AAAAforged", header: ""},
			{name: "forged header", header: strings.Repeat("A", len(tok))},
			{name: "another session's", form: otherTok},
			{name: "cross-origin", form: tok, origin: "http://evil.example"},
		}
		for _, tc := range cases {
			req, _ := http.NewRequest("POST", s.ts.URL+path, strings.NewReader(url.Values{"csrf_token": {tc.form}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.header != "" {
				req.Header.Set(csrfHeader, tc.header)
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %s CSRF token: %d, want 403", path, tc.name, resp.StatusCode)
			}
		}
		// Still signed in after the refusals: they changed nothing.
		s.get(t, c, "/scans", http.StatusOK)
		req, _ := http.NewRequest("POST", s.ts.URL+path, nil)
		req.Header.Set(csrfHeader, tok)
		req.Header.Set("Origin", s.ts.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
			t.Errorf("POST %s with the session's CSRF token: %d", path, resp.StatusCode)
		}
	}
}

func TestLoginFormNeedsItsCSRFCookie(t *testing.T) {
	s := newTestServer(t, false, false)
	c := s.client(t)
	// No form token at all (another site posting the form).
	resp, err := c.PostForm(s.ts.URL+"/login", url.Values{"token": {s.token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without the form's CSRF token: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			t.Fatal("a session cookie was set")
		}
	}
}

func TestCookieFlags(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := newTestServer(t, false, tls)
		c := s.client(t)
		body := s.get(t, c, "/login", http.StatusOK)
		form := hiddenCSRF.FindStringSubmatch(body)[1]
		resp, err := c.PostForm(s.ts.URL+"/login", url.Values{"csrf_token": {form}, "token": {s.token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		name := sessionCookie
		if tls {
			name = "__Host-" + sessionCookie
		}
		var got *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == name && ck.Value != "" {
				got = ck
			}
		}
		if got == nil {
			t.Fatalf("tls=%v: no %s cookie in %v", tls, name, resp.Header["Set-Cookie"])
		}
		if !got.HttpOnly || got.SameSite != http.SameSiteStrictMode || got.Secure != tls || got.Path != "/" {
			t.Errorf("tls=%v: cookie %s: HttpOnly=%v SameSite=%v Secure=%v Path=%q", tls, got.Name, got.HttpOnly,
				got.SameSite, got.Secure, got.Path)
		}
		if len(got.Value) < 40 {
			t.Errorf("session id %q is short", got.Value)
		}
	}
}

func TestWrongTokenAndRateLimit(t *testing.T) {
	s := newTestServer(t, false, false)
	c := s.client(t)
	codes := []int{}
	for range 7 {
		body := s.get(t, c, "/login", http.StatusOK)
		form := hiddenCSRF.FindStringSubmatch(body)[1]
		resp, err := c.PostForm(s.ts.URL+"/login", url.Values{"csrf_token": {form}, "token": {"lwt_guess"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	want := []int{401, 401, 401, 401, 401, 429, 429}
	if !slices.Equal(codes, want) {
		t.Fatalf("wrong-token attempts answered %v, want %v", codes, want)
	}
	// Once limited, even the right token waits: guessing cannot be
	// interleaved with a known-good login to reset the bucket.
	body := s.get(t, c, "/login", http.StatusOK)
	form := hiddenCSRF.FindStringSubmatch(body)[1]
	resp, _ := c.PostForm(s.ts.URL+"/login", url.Values{"csrf_token": {form}, "token": {s.token}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right token while limited: %d", resp.StatusCode)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	s := newTestServer(t, false, false)
	c := s.client(t)
	tok := s.login(t, c)
	resp, err := c.PostForm(s.ts.URL+"/logout", url.Values{"csrf_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	s.get(t, c, "/scans", http.StatusSeeOther)
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, false, false)
	for _, path := range []string{"/login", "/", "/assets/app.js", "/api/v1/overview"} {
		resp, err := s.ts.Client().Get(s.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

func TestTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "web-token.json")
	v, tok, err := LoadOrCreateToken(path)
	if err != nil || tok == "" {
		t.Fatalf("first start: %q, %v", tok, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %04o, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), strings.TrimPrefix(tok, tokenPrefix)) {
		t.Fatal("the token file holds the token itself")
	}
	v2, tok2, err := LoadOrCreateToken(path)
	if err != nil || tok2 != "" {
		t.Fatalf("second start printed a token again: %q, %v", tok2, err)
	}
	for _, ver := range []*Verifier{v, v2} {
		if !ver.Check(tok) || ver.Check(tok+"x") || ver.Check("") || ver.Check(tok[:len(tok)-1]) {
			t.Fatal("token check accepts the wrong token or refuses the right one")
		}
	}
	_, rot, err := RotateToken(path)
	if err != nil || rot == "" || rot == tok {
		t.Fatalf("rotate: %q, %v", rot, err)
	}
	v3, _, _ := LoadOrCreateToken(path)
	if v3.Check(tok) || !v3.Check(rot) {
		t.Fatal("the old token still works after rotation")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateToken(path); err == nil {
		t.Fatal("a world-readable token file was accepted")
	}
}

func TestLocalNext(t *testing.T) {
	for in, want := range map[string]string{
		"/exposures?status=open": "/exposures?status=open",
		"//evil.example/":        "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"":                       "/",
	} {
		if got := localNext(in); got != want {
			t.Errorf("localNext(%q) = %q, want %q", in, got, want)
		}
	}
}
