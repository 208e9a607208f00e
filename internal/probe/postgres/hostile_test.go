package postgres

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fakeServer accepts connections on a 127.77.254.x address, reads the
// startup message and answers with script(conn). Only for hostile
// behaviour no real PostgreSQL produces.
func fakeServer(t *testing.T, script func(net.Conn)) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.254.4:0", func(c net.Conn) {
		var n [4]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(n[:]))-4); err != nil {
			return
		}
		script(c)
	})
}

func msg(typ byte, body ...byte) []byte { return frontendMessage(typ, body) }

func hostileEnv() *probe.Env {
	env := testEnv()
	env.Limits.ReadTimeout = 300 * time.Millisecond
	env.Limits.MaxResponse = 1 << 20
	env.Limits.ExploreTimeout = 3 * time.Second
	return env
}

func exploreFake(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreWithin(context.Background(), t, New(), hostileEnv(), tg, 5*time.Second)
}

func TestHostileHugeLength(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn) {
		c.Write([]byte{'R', 0x7f, 0xff, 0xff, 0xff}) // a 2 GB message
		time.Sleep(time.Second)
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	svc, _ := New().Identify(context.Background(), hostileEnv(), tg)
	if svc != nil {
		t.Fatalf("identified %+v", svc)
	}
}

func TestHostileSilence(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn) { time.Sleep(2 * time.Second) })
	start := time.Now()
	if ev := exploreFake(t, tg); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestHostileLyingColumns: trust login, then a RowDescription that claims
// 65535 columns in a few bytes.
func TestHostileLyingColumns(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn) {
		c.Write(msg('R', 0, 0, 0, 0))
		c.Write(msg('Z', 'I'))
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			c.Write(msg('T', 0xff, 0xff, 'a', 0))
			c.Write(msg('Z', 'I'))
		}
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestHostileEndlessRows: rows forever must end at the byte budget.
func TestHostileEndlessRows(t *testing.T) {
	tg := fakeServer(t, func(c net.Conn) {
		c.Write(msg('R', 0, 0, 0, 0))
		c.Write(msg('Z', 'I'))
		row := msg('D', 0, 1, 0, 0, 0, 3, 'a', 'b', 'c')
		for {
			if _, err := c.Write(row); err != nil {
				return
			}
		}
	})
	env := hostileEnv()
	env.Limits.MaxBytes = 1 << 20
	ev := probetest.ExploreTarget(context.Background(), New(), env, tg)
	if ev.Status != event.StatusTooLarge && ev.Status != event.StatusTimeout {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}
