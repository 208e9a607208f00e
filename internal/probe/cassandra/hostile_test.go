package cassandra

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

// respond writes a v4 response frame.
func respond(c net.Conn, stream []byte, op byte, body []byte) {
	h := []byte{0x84, 0, stream[0], stream[1], op}
	c.Write(append(binary.BigEndian.AppendUint32(h, uint32(len(body))), body...))
}

// readReq reads one request frame and returns its stream id and opcode.
func readReq(c net.Conn) ([]byte, byte, bool) {
	var h [9]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return nil, 0, false
	}
	if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(h[5:]))); err != nil {
		return nil, 0, false
	}
	return h[2:4], h[4], true
}

func supportedBody() []byte {
	b := putShort(nil, 1)
	b = putString(b, "CQL_VERSION")
	b = putShort(b, 1)
	return putString(b, "3.4.7")
}

// honest answers OPTIONS and STARTUP like an open server, then calls query.
func honest(query func(c net.Conn, stream []byte)) func(net.Conn) {
	return func(c net.Conn) {
		for {
			stream, op, ok := readReq(c)
			if !ok {
				return
			}
			switch op {
			case opOptions:
				respond(c, stream, opSupported, supportedBody())
			case opStartup:
				respond(c, stream, opReady, nil)
			default:
				query(c, stream)
			}
		}
	}
}

func runHostile(t *testing.T, tg probe.Target, l probe.Limits) *event.Event {
	t.Helper()
	return probetest.ExploreHostile(t, New(), l, tg)
}

func TestHostileHugeFrame(t *testing.T) {
	tg := fakeCQL(t, func(c net.Conn) {
		stream, _, _ := readReq(c)
		c.Write([]byte{0x84, 0, stream[0], stream[1], opSupported, 0x7f, 0xff, 0xff, 0xff})
		c.Write(make([]byte, 1<<16)) // and then some, never the declared 2 GiB
	})
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if svc, _ := New().Identify(ctx, testEnv(), tg); svc != nil {
		t.Errorf("identified %+v", svc)
	}
}

func TestHostileSilence(t *testing.T) {
	tg := fakeCQL(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	l := probe.DefaultLimits()
	l.ReadTimeout = 300 * time.Millisecond
	if ev := runHostile(t, tg, l); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s, want timeout; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileLyingRowCount(t *testing.T) {
	tg := fakeCQL(t, honest(func(c net.Conn, stream []byte) {
		b := binary.BigEndian.AppendUint32(nil, resultRows)
		b = binary.BigEndian.AppendUint32(b, metaGlobalSpec)
		b = binary.BigEndian.AppendUint32(b, 1) // one column
		b = putString(putString(b, "ks"), "t")
		b = putShort(putString(b, "c"), tVarchar)
		b = binary.BigEndian.AppendUint32(b, 1<<30) // a billion rows, in 8 bytes
		respond(c, stream, opResult, append(b, 0, 0, 0, 1, 'x'))
	}))
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileDeepType(t *testing.T) {
	tg := fakeCQL(t, honest(func(c net.Conn, stream []byte) {
		b := binary.BigEndian.AppendUint32(nil, resultRows)
		b = binary.BigEndian.AppendUint32(b, metaGlobalSpec)
		b = binary.BigEndian.AppendUint32(b, 1)
		b = putString(putString(b, "ks"), "t")
		b = putString(b, "c")
		for range 10000 {
			b = putShort(b, tList)
		}
		respond(c, stream, opResult, b)
	}))
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileWrongStream(t *testing.T) {
	tg := fakeCQL(t, func(c net.Conn) {
		readReq(c)
		respond(c, []byte{0x12, 0x34}, opSupported, supportedBody())
	})
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}
