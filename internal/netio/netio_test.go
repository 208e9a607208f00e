package netio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestReadAllStopsAtLimit(t *testing.T) {
	b, err := ReadAll(strings.NewReader(strings.Repeat("x", 100)), 10)
	if !errors.Is(err, ErrTooLarge) || len(b) != 10 {
		t.Fatalf("got %d bytes, %v; want 10 bytes and ErrTooLarge", len(b), err)
	}
	b, err = ReadAll(strings.NewReader("short"), 10)
	if err != nil || string(b) != "short" {
		t.Fatalf("got %q, %v", b, err)
	}
}

func pipe(t *testing.T, budget *Budget, read time.Duration) (*Conn, net.Conn) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return Wrap(a, read, time.Time{}, budget), b
}

func TestConnBudget(t *testing.T) {
	budget := NewBudget(8)
	c, peer := pipe(t, budget, time.Second)
	go peer.Write(bytes.Repeat([]byte("y"), 64))
	got, err := io.ReadAll(c)
	if !errors.Is(err, ErrBudget) || len(got) != 8 {
		t.Fatalf("read %d bytes, %v; want 8 and ErrBudget", len(got), err)
	}
}

func TestConnReadTimeoutAndPeerClosed(t *testing.T) {
	budget := NewBudget(1 << 20)
	c, peer := pipe(t, budget, 50*time.Millisecond)
	_, err := c.Read(make([]byte, 1))
	if !IsTimeout(err) {
		t.Fatalf("silent peer: %v, want a timeout", err)
	}
	if budget.PeerClosed() {
		t.Fatal("a timeout is not the peer closing")
	}
	peer.Close()
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("closed peer: %v, want EOF", err)
	}
	if !budget.PeerClosed() {
		t.Fatal("PeerClosed not recorded")
	}
}
