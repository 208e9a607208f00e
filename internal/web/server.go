// Package web serves leakwatch's dashboard and JSON API over its store
// (`leakwatch serve`). Every route but the login form and the static assets
// requires authentication: an admin token (Authorization: Bearer) or a
// session cookie obtained by exchanging the token on the login form. Every
// state-changing request made with a session carries a CSRF token bound to
// that session. Pages are server-rendered with html/template under a strict
// Content-Security-Policy (no inline script or style); htmx and uPlot are
// vendored from npm into assets/vendor and embedded, never loaded from a CDN.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

//go:embed assets
var assetFS embed.FS

// Config configures a Server.
type Config struct {
	Store    *store.Store
	Verifier *Verifier
	// TLS says the server is reached over HTTPS: cookies get Secure and the
	// __Host- prefix, and responses carry Strict-Transport-Security.
	TLS     bool
	Version string
	Log     *slog.Logger
}

// Server is the dashboard and API handler.
type Server struct {
	cfg      Config
	st       *store.Store
	sessions *sessions
	limiter  *loginLimiter
	pages    *pageTemplates
	handler  http.Handler
	routes   []Route
}

// Route is one entry of the router. Tests enumerate Routes() so a route
// cannot be added without being checked for authentication.
type Route struct {
	Method  string // GET (also answers HEAD) or POST
	Pattern string // net/http ServeMux pattern path
	Public  bool   // reachable without authentication (login form, assets)
	API     bool   // answers JSON (401 instead of a redirect to the login form)
	handler http.HandlerFunc
}

// New builds a server.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	pt, err := parsePages()
	if err != nil {
		return nil, err
	}
	srv := &Server{cfg: cfg, st: cfg.Store, sessions: newSessions(), limiter: newLoginLimiter(), pages: pt}
	srv.routes = srv.routeTable()
	mux := http.NewServeMux()
	for _, r := range srv.routes {
		h := http.Handler(r.handler)
		if !r.Public {
			h = srv.requireAuth(h, r.API)
		}
		pattern := r.Pattern
		if r.Method != "" {
			pattern = r.Method + " " + pattern
		}
		mux.Handle(pattern, h)
	}
	srv.handler = srv.securityHeaders(mux)
	return srv, nil
}

// Routes returns the router's table.
func (srv *Server) Routes() []Route { return append([]Route(nil), srv.routes...) }

func (srv *Server) routeTable() []Route {
	assets, _ := fs.Sub(assetFS, "assets")
	static := http.StripPrefix("/assets/", http.FileServer(http.FS(assets)))
	return []Route{
		{Method: "GET", Pattern: "/login", Public: true, handler: srv.loginForm},
		{Method: "POST", Pattern: "/login", Public: true, handler: srv.login},
		{Method: "GET", Pattern: "/assets/", Public: true, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			static.ServeHTTP(w, r)
		}},
		{Method: "POST", Pattern: "/logout", handler: srv.logout},
		{Method: "GET", Pattern: "/{$}", handler: srv.overviewPage},
		{Method: "GET", Pattern: "/exposures", handler: srv.exposuresPage},
		{Method: "GET", Pattern: "/exposure", handler: srv.exposurePage},
		{Method: "GET", Pattern: "/exposure/report", handler: srv.exposureReport},
		{Method: "GET", Pattern: "/scans", handler: srv.scansPage},
		{Method: "GET", Pattern: "/scan", handler: srv.scanPage},
		{Method: "GET", Pattern: "/scan/report", handler: srv.scanReport},
		{Method: "GET", Pattern: "/watch", handler: srv.watchPage},
		{Pattern: "/", handler: srv.notFoundPage}, // any other path: 404 after authentication

		{Method: "GET", Pattern: "/api/v1/overview", API: true, handler: srv.apiOverview},
		{Method: "GET", Pattern: "/api/v1/series", API: true, handler: srv.apiSeries},
		{Method: "GET", Pattern: "/api/v1/exposures", API: true, handler: srv.apiExposures},
		{Method: "GET", Pattern: "/api/v1/exposure", API: true, handler: srv.apiExposure},
		{Method: "GET", Pattern: "/api/v1/exposure/history", API: true, handler: srv.apiHistory},
		{Method: "GET", Pattern: "/api/v1/scans", API: true, handler: srv.apiScans},
		{Method: "GET", Pattern: "/api/v1/scan", API: true, handler: srv.apiScan},
		{Method: "GET", Pattern: "/api/v1/report", API: true, handler: srv.apiReport},
		{Method: "GET", Pattern: "/api/v1/watch", API: true, handler: srv.apiWatch},
		{Method: "POST", Pattern: "/api/v1/logout", API: true, handler: srv.apiLogout},
		{Pattern: "/api/", API: true, handler: func(w http.ResponseWriter, r *http.Request) {
			apiError(w, http.StatusNotFound, "no such endpoint")
		}},
	}
}

// ServeHTTP implements http.Handler.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { srv.handler.ServeHTTP(w, r) }

// contentSecurityPolicy allows only this origin's scripts and styles: no
// inline script, no inline style, no eval, no framing, forms post here only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (srv *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin, not no-referrer: with no-referrer browsers send "Origin: null"
		// on form posts, and the CSRF check compares Origin with this server.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if srv.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/assets/") {
			// Pages name exposed hosts: never keep them in shared caches or
			// the browser's history cache.
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const sessionKey ctxKey = 1

// safeMethod reports whether a request cannot change state.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// requireAuth admits a request with a valid Bearer token, or with a live
// session whose unsafe requests carry the session's CSRF token. Anything
// else gets 401 (API) or a redirect to the login form (pages).
func (srv *Server) requireAuth(next http.Handler, api bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz := r.Header.Get("Authorization"); authz != "" {
			scheme, tok, ok := strings.Cut(authz, " ")
			if ok && strings.EqualFold(scheme, "Bearer") && srv.cfg.Verifier.Check(tok) {
				// A bearer token is not sent by browsers on their own, so
				// it needs no CSRF token.
				next.ServeHTTP(w, r)
				return
			}
			srv.unauthorized(w, r, api)
			return
		}
		ss, _ := srv.sessionOf(r)
		if ss == nil {
			srv.unauthorized(w, r, api)
			return
		}
		if !safeMethod(r.Method) && !srv.csrfOK(r, ss) {
			srv.cfg.Log.Warn("web: refused a request without a valid CSRF token", "method", r.Method, "path", r.URL.Path)
			if api {
				apiError(w, http.StatusForbidden, "missing or invalid CSRF token")
			} else {
				http.Error(w, "Forbidden: missing or invalid CSRF token. Reload the page and try again.", http.StatusForbidden)
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, ss)))
	})
}

// csrfOK checks the synchronizer token (header or form field) and, when the
// browser sent one, that Origin is this server.
func (srv *Server) csrfOK(r *http.Request, ss *session) bool {
	if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r) {
		return false
	}
	tok := r.Header.Get(csrfHeader)
	if tok == "" {
		r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
		tok = r.PostFormValue(csrfField)
	}
	return sameToken(tok, ss.csrf)
}

func sameOrigin(origin string, r *http.Request) bool {
	rest, ok := strings.CutPrefix(origin, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(origin, "https://")
	}
	return ok && strings.EqualFold(rest, r.Host)
}

func (srv *Server) unauthorized(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="leakwatch"`)
		apiError(w, http.StatusUnauthorized, "authentication required: Authorization: Bearer <token> or a session")
		return
	}
	if safeMethod(r.Method) {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	http.Error(w, "Unauthorized", http.StatusUnauthorized)
}

func sessionFrom(ctx context.Context) *session {
	ss, _ := ctx.Value(sessionKey).(*session)
	return ss
}

func apiError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w) // escapes <, >, & : inert even if sniffed as HTML
	_ = enc.Encode(v)
}

// ListenTimeouts bound slow clients; the handler itself is bounded by the
// store's queries.
var ListenTimeouts = struct{ ReadHeader, Read, Write, Idle time.Duration }{
	ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 120 * time.Second, Idle: 120 * time.Second,
}
