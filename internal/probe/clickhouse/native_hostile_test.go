package clickhouse

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func hostileNative(t *testing.T, answer func(c net.Conn)) *event.Event {
	t.Helper()
	tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
		c.Read(make([]byte, 256)) // the hello
		answer(c)
	})
	l := probe.DefaultLimits()
	l.ReadTimeout, l.MaxBytes = time.Second, 4<<20
	return probetest.ExploreHostile(t, NewNative(), l, tg)
}

func TestNativeHostileHugeString(t *testing.T) {
	ev := hostileNative(t, func(c net.Conn) {
		b := binary.AppendUvarint([]byte{nativeHello}, 1<<40) // server name of 1 TiB
		c.Write(append(b, "ClickHouse"...))
	})
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

func TestNativeHostileEndlessVarint(t *testing.T) {
	ev := hostileNative(t, func(c net.Conn) {
		for i := 0; i < 1000; i++ {
			if _, err := c.Write([]byte{0xff, 0xff, 0xff, 0xff}); err != nil {
				return
			}
		}
	})
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

func TestNativeHostileSilence(t *testing.T) {
	start := time.Now()
	ev := hostileNative(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	if ev.Status != event.StatusTimeout {
		t.Fatalf("status %s, want timeout; errors %v", ev.Status, ev.Errors)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// A server that says hello but is not ClickHouse is not identified.
func TestNativeNotClickHouse(t *testing.T) {
	tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
		c.Read(make([]byte, 256))
		b := appendString([]byte{nativeHello}, "SomethingElse")
		c.Write(append(b, 1, 1, 1))
	})
	probetest.NotIdentified(t, NewNative(), testEnv(), tg)
}
