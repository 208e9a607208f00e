package mysql

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// greetingPacket is a minimal MariaDB-like v10 handshake.
func greetingPacket() []byte {
	p := []byte{10}
	p = append(append(p, "5.5.5-10.11.0-MariaDB"...), 0)
	p = append(p, 1, 0, 0, 0)                 // connection id
	p = append(p, "abcdefgh"...)              // auth data 1
	p = append(p, 0)                          // filler
	p = append(p, 0xff, 0xf7)                 // caps low (with PROTOCOL_41, SECURE_CONNECTION)
	p = append(p, 45, 2, 0)                   // charset, status
	p = append(p, 0xff, 0x81)                 // caps high (PLUGIN_AUTH...)
	p = append(p, 21)                         // auth data length
	p = append(p, make([]byte, 10)...)        // reserved
	p = append(p, "ijklmnopqrst"...)          // auth data 2
	p = append(p, 0)                          // its NUL
	p = append(p, "mysql_native_password"...) // plugin
	return append(p, 0)
}

// fakeServer sends greeting (or raw first bytes), accepts any login with
// OK, and answers each COM_QUERY with onQuery's bytes. Only for hostile
// behaviour no real server produces.
func fakeServer(t *testing.T, first []byte, onQuery func(n int) []byte) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.254.5:0", func(c net.Conn) {
		if first == nil {
			time.Sleep(3 * time.Second)
			return
		}
		c.Write(first)
		for n := 0; ; n++ {
			var hdr [4]byte
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			l := int64(hdr[0]) | int64(hdr[1])<<8 | int64(hdr[2])<<16
			if _, err := io.CopyN(io.Discard, c, l); err != nil {
				return
			}
			if n == 0 {
				c.Write(packet(2, []byte{0, 0, 0, 2, 0, 0, 0}))
				continue
			}
			out := onQuery(n)
			if out == nil {
				time.Sleep(3 * time.Second)
				return
			}
			c.Write(out)
		}
	})
}

func hostileEnv() *probe.Env {
	env := testEnv()
	env.Limits.ReadTimeout = 300 * time.Millisecond
	env.Limits.MaxResponse = 1 << 20
	env.Limits.MaxBytes = 4 << 20
	env.Limits.ExploreTimeout = 3 * time.Second
	return env
}

func exploreFake(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreWithin(context.Background(), t, New(), hostileEnv(), tg, 5*time.Second)
}

func TestFakeGreetingIdentifies(t *testing.T) {
	tg := fakeServer(t, packet(0, greetingPacket()), func(int) []byte { return packet(1, []byte{0, 0, 0, 2, 0, 0, 0}) })
	svc, err := New().Identify(context.Background(), hostileEnv(), tg)
	if err != nil || svc == nil || svc.Product != "MariaDB" || svc.Version != "10.11.0" {
		t.Fatalf("svc %+v err %v", svc, err)
	}
}

func TestHostileHugePacket(t *testing.T) {
	// A 16 MB packet header that continues forever.
	tg := fakeServer(t, []byte{0xff, 0xff, 0xff, 0}, nil)
	if ev := exploreFake(t, tg); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if svc, _ := New().Identify(context.Background(), hostileEnv(), tg); svc != nil {
		t.Fatalf("identified %+v", svc)
	}
}

func TestHostileSilence(t *testing.T) {
	tg := fakeServer(t, nil, nil)
	if ev := exploreFake(t, tg); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileEndlessReply(t *testing.T) {
	tg := fakeServer(t, packet(0, greetingPacket()), func(int) []byte {
		return append([]byte{0xff, 0xff, 0xff, 1}, make([]byte, 2<<20)...) // > MaxResponse
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestHostileLyingCounts: 65535 columns announced, then a value whose
// length-encoded size is 2^60.
func TestHostileLyingCounts(t *testing.T) {
	for name, reply := range map[string][]byte{
		"columns": packet(1, []byte{0xfc, 0xff, 0xff}),
		"value": append(append(append(packet(1, []byte{1}), packet(2, colDef("a"))...), packet(3, []byte{0xfe, 0, 0, 0, 0, 0})...),
			packet(4, []byte{0xfe, 0, 0, 0, 0, 0, 0, 0, 0x10, 'x'})...),
	} {
		t.Run(name, func(t *testing.T) {
			tg := fakeServer(t, packet(0, greetingPacket()), func(int) []byte { return reply })
			if ev := exploreFake(t, tg); ev.Status != event.StatusProtocolError {
				t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
			}
		})
	}
}

// TestRogueLocalInfile: a server asking for a client file gets nothing.
func TestRogueLocalInfile(t *testing.T) {
	tg := fakeServer(t, packet(0, greetingPacket()), func(int) []byte {
		return packet(1, append([]byte{0xfb}, "/etc/passwd"...))
	})
	ev := exploreFake(t, tg)
	if ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

func colDef(name string) []byte {
	var p []byte
	for _, s := range []string{"def", "", "", "", name, name} {
		p = appendLenencString(p, s)
	}
	return append(p, 0x0c, 45, 0, 0, 1, 0, 0, 253, 0, 0, 0, 0, 0)
}
