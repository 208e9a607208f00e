package scan

import (
	"context"
	"net"
	"net/netip"
	"sync"
)

// hostLimiter bounds the connections open at once to one address across
// identification and exploration (discovery has its own limiter).
type hostLimiter struct {
	n     int
	mu    sync.Mutex
	slots map[netip.Addr]*hostSlots
}

type hostSlots struct {
	ch   chan struct{}
	refs int
}

func newHostLimiter(n int) *hostLimiter {
	return &hostLimiter{n: n, slots: map[netip.Addr]*hostSlots{}}
}

func (h *hostLimiter) acquire(ctx context.Context, ip netip.Addr) (release func(), err error) {
	h.mu.Lock()
	s := h.slots[ip]
	if s == nil {
		s = &hostSlots{ch: make(chan struct{}, h.n)}
		h.slots[ip] = s
	}
	s.refs++
	h.mu.Unlock()
	done := func() {
		h.mu.Lock()
		if s.refs--; s.refs == 0 {
			delete(h.slots, ip)
		}
		h.mu.Unlock()
	}
	select {
	case s.ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-s.ch; done() }) }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// dialer wraps dial so each connection holds a slot of its address until closed.
func (h *hostLimiter) dialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return dial(ctx, network, addr)
		}
		release, err := h.acquire(ctx, ap.Addr().Unmap())
		if err != nil {
			return nil, err
		}
		c, err := dial(ctx, network, addr)
		if err != nil {
			release()
			return nil, err
		}
		return &slotConn{Conn: c, release: release}, nil
	}
}

type slotConn struct {
	net.Conn
	release func()
}

func (c *slotConn) Close() error { err := c.Conn.Close(); c.release(); return err }
