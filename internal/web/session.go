package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Cookie names. The __Host- prefix (TLS only) pins the cookie to this host
// and path "/" in the browser.
const (
	sessionCookie    = "lw_session"
	loginCSRFCookie  = "lw_login"
	csrfField        = "csrf_token"
	csrfHeader       = "X-CSRF-Token"
	sessionIdle      = 2 * time.Hour
	sessionLifetime  = 12 * time.Hour
	maxSessions      = 1000
	loginCSRFMaxAge  = 30 * time.Minute
	sessionIDEntropy = 32
)

// session is one logged-in browser. Only the SHA-256 of its id is kept, so
// the table itself holds nothing a reader could replay.
type session struct {
	csrf     string // synchronizer token for forms and X-CSRF-Token
	created  time.Time
	lastSeen time.Time
}

type sessions struct {
	mu   sync.Mutex
	byID map[[32]byte]*session
	now  func() time.Time
}

func newSessions() *sessions {
	return &sessions{byID: map[[32]byte]*session{}, now: time.Now}
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session and returns its id (for the cookie).
func (s *sessions) create() (string, *session) {
	id := randomString(sessionIDEntropy)
	now := s.now()
	ss := &session{csrf: randomString(32), created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	if len(s.byID) >= maxSessions {
		// Evict the oldest: logging in again must always work.
		var oldest [32]byte
		var t time.Time
		for k, v := range s.byID {
			if t.IsZero() || v.lastSeen.Before(t) {
				oldest, t = k, v.lastSeen
			}
		}
		delete(s.byID, oldest)
	}
	s.byID[sha256.Sum256([]byte(id))] = ss
	return id, ss
}

func (s *sessions) expireLocked(now time.Time) {
	for k, v := range s.byID {
		if now.Sub(v.lastSeen) > sessionIdle || now.Sub(v.created) > sessionLifetime {
			delete(s.byID, k)
		}
	}
}

// get returns the live session with this id and refreshes its idle timer.
func (s *sessions) get(id string) *session {
	if id == "" || len(id) > 100 {
		return nil
	}
	key := sha256.Sum256([]byte(id))
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byID[key]
	if ss == nil {
		return nil
	}
	if now.Sub(ss.lastSeen) > sessionIdle || now.Sub(ss.created) > sessionLifetime {
		delete(s.byID, key)
		return nil
	}
	ss.lastSeen = now
	return ss
}

func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, sha256.Sum256([]byte(id)))
}

// sameToken compares two secrets in constant time.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// cookie builds a cookie with the flags every leakwatch cookie carries:
// HttpOnly, SameSite=Strict, Path=/, and Secure (with the __Host- prefix)
// when served over TLS.
func (srv *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: srv.cookieName(name), Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: srv.cfg.TLS}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	return c
}

func (srv *Server) cookieName(name string) string {
	if srv.cfg.TLS {
		return "__Host-" + name
	}
	return name
}

// sessionOf returns the request's session and its id, or nil.
func (srv *Server) sessionOf(r *http.Request) (*session, string) {
	c, err := r.Cookie(srv.cookieName(sessionCookie))
	if err != nil {
		return nil, ""
	}
	return srv.sessions.get(c.Value), c.Value
}
