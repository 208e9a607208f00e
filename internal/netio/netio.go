// Package netio bounds every read leakwatch makes from a remote peer, in
// bytes and in time. A hostile server (tarpit, endless stream, huge length
// prefix) must end in a clear error, never a hang or an unbounded buffer.
package netio

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrBudget is returned when a peer sent more bytes than the budget allows.
var ErrBudget = errors.New("netio: byte budget exhausted")

// ErrTooLarge is returned when a declared or read length exceeds a limit.
var ErrTooLarge = errors.New("netio: message larger than limit")

// Budget is a byte budget shared by all connections of one probe run. It
// also remembers whether the peer ever closed a connection, so callers can
// tell a peer that hung up from one that stayed silent.
type Budget struct {
	left       atomic.Int64
	peerClosed atomic.Bool
}

// PeerClosed reports whether a read under this budget ended with the peer
// closing or resetting the connection.
func (b *Budget) PeerClosed() bool { return b != nil && b.peerClosed.Load() }

// NewBudget returns a budget of n bytes.
func NewBudget(n int64) *Budget { b := &Budget{}; b.left.Store(n); return b }

// Take consumes n bytes and reports whether the budget still holds.
func (b *Budget) Take(n int) bool {
	if b == nil {
		return true
	}
	return b.left.Add(-int64(n)) >= 0
}

// Left returns the remaining bytes (never negative).
func (b *Budget) Left() int64 {
	if b == nil {
		return 1 << 62
	}
	return max(b.left.Load(), 0)
}

// Conn wraps a net.Conn so that each Read has a deadline (ReadTimeout), the
// whole connection has an overall deadline, and the bytes read count against
// a Budget.
type Conn struct {
	net.Conn
	ReadTimeout time.Duration
	Budget      *Budget
	deadline    time.Time
}

// Wrap returns a bounded connection. deadline zero means none besides ReadTimeout.
func Wrap(c net.Conn, readTimeout time.Duration, deadline time.Time, b *Budget) *Conn {
	return &Conn{Conn: c, ReadTimeout: readTimeout, Budget: b, deadline: deadline}
}

func (c *Conn) nextDeadline() time.Time {
	d := time.Now().Add(c.ReadTimeout)
	if !c.deadline.IsZero() && c.deadline.Before(d) {
		d = c.deadline
	}
	return d
}

// Read reads with a per-read deadline and charges the budget.
func (c *Conn) Read(p []byte) (int, error) {
	if c.Budget != nil && c.Budget.Left() <= 0 {
		return 0, ErrBudget
	}
	if c.Budget != nil && int64(len(p)) > c.Budget.Left() {
		p = p[:c.Budget.Left()]
	}
	_ = c.Conn.SetReadDeadline(c.nextDeadline())
	n, err := c.Conn.Read(p)
	c.Budget.Take(n)
	if c.Budget != nil && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		c.Budget.peerClosed.Store(true)
	}
	return n, err
}

// Write writes with the same deadline rule as Read.
func (c *Conn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(c.nextDeadline())
	return c.Conn.Write(p)
}

// UnblockOnDone closes c when ctx ends, so a blocked Read or Write returns.
// Call the returned stop function when done with c.
func UnblockOnDone(ctx context.Context, c io.Closer) (stop func() bool) {
	return context.AfterFunc(ctx, func() { c.Close() })
}

// ReadAll reads r to EOF but fails with ErrTooLarge beyond max bytes.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], ErrTooLarge
	}
	return b, err
}

// ReadFull reads exactly len(p) bytes (io.ReadFull) for length-prefixed protocols.
func ReadFull(r io.Reader, p []byte) error {
	_, err := io.ReadFull(r, p)
	return err
}

// IsTimeout reports whether err is a deadline or timeout error.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
