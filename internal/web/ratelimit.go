package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// loginLimiter slows token guessing: each client address gets loginBurst
// attempts, refilled at one per loginRefill, and all clients together get
// globalBurst (a botnet of addresses cannot multiply the rate by much).
// Failed and successful attempts both count.
type loginLimiter struct {
	mu      sync.Mutex
	clients map[string]*bucket
	global  bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

const (
	loginBurst  = 5
	loginRefill = 12 * time.Second // 5 a minute per address
	globalBurst = 30
	maxClients  = 10000
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{clients: map[string]*bucket{}, now: time.Now}
}

func (b *bucket) take(now time.Time, burst float64, refill time.Duration) bool {
	if b.last.IsZero() {
		b.tokens, b.last = burst, now
	}
	b.tokens = min(burst, b.tokens+float64(now.Sub(b.last))/float64(refill))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// allow takes one attempt for the request's client address.
func (l *loginLimiter) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.clients) >= maxClients {
		for k, b := range l.clients {
			if now.Sub(b.last) > loginBurst*loginRefill {
				delete(l.clients, k)
			}
		}
		if len(l.clients) >= maxClients {
			l.clients = map[string]*bucket{}
		}
	}
	b := l.clients[host]
	if b == nil {
		b = &bucket{}
		l.clients[host] = b
	}
	if !b.take(now, loginBurst, loginRefill) {
		return false
	}
	return l.global.take(now, globalBurst, loginRefill/globalBurst*loginBurst)
}

// reset forgets every attempt.
func (l *loginLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clients, l.global = map[string]*bucket{}, bucket{}
}
