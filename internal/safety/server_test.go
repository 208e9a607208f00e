package safety

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// server is a TCP listener that hands every connection to a handler and
// records what the client side did: when each connection was accepted, how
// many were open at once (per the whole listener) and the bytes written.
type server struct {
	ln       net.Listener
	accepted atomic.Int64
	written  atomic.Int64

	mu    sync.Mutex
	times []time.Time
	open  int
	peak  int
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// serve starts h on addr until the test ends.
func serve(t testing.TB, addr string, h func(net.Conn)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	return serveOn(t, ln, h)
}

// serveOn is serve on a listener made elsewhere (inside a namespace).
func serveOn(t testing.TB, ln net.Listener, h func(net.Conn)) *server {
	s := &server{ln: ln, conns: map[net.Conn]bool{}}
	t.Cleanup(s.close)
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			cc := &countingConn{Conn: c, n: &s.written}
			s.mu.Lock()
			s.times = append(s.times, time.Now())
			s.open++
			s.peak = max(s.peak, s.open)
			s.conns[cc] = true
			s.mu.Unlock()
			s.wg.Go(func() {
				defer func() {
					cc.Close()
					s.mu.Lock()
					s.open--
					delete(s.conns, cc)
					s.mu.Unlock()
				}()
				h(cc)
			})
		}
	})
	return s
}

func (s *server) addr() string { return s.ln.Addr().String() }

// close stops accepting, closes every connection and waits for handlers.
func (s *server) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *server) acceptTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times...)
}

func (s *server) peakOpen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// readUntilClosed discards what the client sends until it closes.
func readUntilClosed(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// serveHTTPCounted serves h over HTTP/1.1 on addr through a counting server,
// so a test can see how many connections the client keeps open.
func serveHTTPCounted(t testing.TB, addr string, h http.Handler) *server {
	t.Helper()
	conns := make(chan net.Conn)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ln := &chanListener{conns: conns, done: make(chan struct{}), addr: addr}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return serve(t, addr, func(c net.Conn) {
		closed := make(chan struct{})
		select {
		case conns <- &notifyConn{Conn: c, closed: closed}:
		case <-ln.done:
			return
		}
		<-closed // the handler (and so the open count) lasts as long as the HTTP connection
	})
}

// chanListener hands net/http the connections a server accepted.
type chanListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	addr  string
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error { l.once.Do(func() { close(l.done) }); return nil }

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{} }

type notifyConn struct {
	net.Conn
	closed chan struct{}
	once   sync.Once
}

func (c *notifyConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
