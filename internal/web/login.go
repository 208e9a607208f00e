package web

import (
	"net/http"
	"net/url"
	"strings"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localNext keeps a post-login redirect on this server: a path, never a
// scheme-relative or backslash URL that a browser would send elsewhere.
func localNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

type loginView struct {
	CSRF  string
	Next  string
	Error string
}

// loginForm shows the token form. The form's CSRF token is a double-submit
// value (cookie + hidden field): there is no session yet to bind it to, and
// it stops another site from logging the browser into this one.
func (srv *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if ss, _ := srv.sessionOf(r); ss != nil {
		http.Redirect(w, r, localNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	srv.showLogin(w, r, http.StatusOK, "")
}

func (srv *Server) showLogin(w http.ResponseWriter, r *http.Request, code int, msg string) {
	// Reuse the browser's form token when it has one: a second tab, or the
	// browser's own favicon request bounced here, must not invalidate the
	// form already on screen.
	tok := randomString(32)
	if c, err := r.Cookie(srv.cookieName(loginCSRFCookie)); err == nil && len(c.Value) == len(tok) {
		tok = c.Value
	}
	http.SetCookie(w, srv.cookie(loginCSRFCookie, tok, loginCSRFMaxAge))
	next := r.URL.Query().Get("next")
	if r.Method == http.MethodPost {
		next = r.PostFormValue("next")
	}
	srv.render(w, r, code, "login", "Sign in", loginView{CSRF: tok, Next: localNext(next), Error: msg})
}

func (srv *Server) login(w http.ResponseWriter, r *http.Request) {
	if !srv.limiter.allow(r) {
		w.Header().Set("Retry-After", "60")
		srv.showLogin(w, r, http.StatusTooManyRequests, "Too many attempts. Wait a minute and try again.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad request", http.StatusBadRequest)
		return
	}
	c, err := r.Cookie(srv.cookieName(loginCSRFCookie))
	if err != nil || !sameToken(c.Value, r.PostFormValue(csrfField)) ||
		(r.Header.Get("Origin") != "" && !sameOrigin(r.Header.Get("Origin"), r)) {
		srv.cfg.Log.Warn("web: login form refused: no matching form token or a foreign Origin",
			"remote", r.RemoteAddr, "cookie", err == nil, "origin", r.Header.Get("Origin"))
		srv.showLogin(w, r, http.StatusForbidden, "The form expired. Try again.")
		return
	}
	if !srv.cfg.Verifier.Check(r.PostFormValue("token")) {
		srv.cfg.Log.Warn("web: failed login", "remote", r.RemoteAddr)
		srv.showLogin(w, r, http.StatusUnauthorized, "That token is not valid.")
		return
	}
	// A fresh session id on every login: a planted cookie cannot be promoted.
	if _, old := srv.sessionOf(r); old != "" {
		srv.sessions.delete(old)
	}
	id, _ := srv.sessions.create()
	http.SetCookie(w, srv.cookie(sessionCookie, id, sessionLifetime))
	http.SetCookie(w, srv.cookie(loginCSRFCookie, "", -1))
	srv.cfg.Log.Info("web: login", "remote", r.RemoteAddr)
	http.Redirect(w, r, localNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (srv *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if _, id := srv.sessionOf(r); id != "" {
		srv.sessions.delete(id)
	}
	http.SetCookie(w, srv.cookie(sessionCookie, "", -1))
}

func (srv *Server) logout(w http.ResponseWriter, r *http.Request) {
	srv.endSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (srv *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	srv.endSession(w, r)
	writeJSON(w, http.StatusOK, map[string]bool{"logged_out": true})
}
