package zookeeper_test

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

func frame(payload []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
}

// connectResponse is a valid ConnectResponse frame.
func connectResponse() []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, 0)     // protocol
	b = binary.BigEndian.AppendUint32(b, 10000) // timeout
	b = binary.BigEndian.AppendUint64(b, 42)    // session
	b = binary.BigEndian.AppendUint32(b, 16)
	b = append(b, make([]byte, 16)...)
	return frame(append(b, 0))
}

// fake answers srvr like ZooKeeper and the binary handshake validly, then
// reply for the first request.
func fake(reply func(w io.Writer)) func(net.Conn) {
	return func(c net.Conn) {
		var hdr [4]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		switch string(hdr[:]) {
		case "srvr":
			io.WriteString(c, "Zookeeper version: 3.9.9-x, built on now\nMode: standalone\nNode count: 5\n")
			return
		case "mntr", "envi":
			io.WriteString(c, string(hdr[:])+" is not executed because it is not in the whitelist.\n")
			return
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
			return
		}
		c.Write(connectResponse())
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(hdr[:])))
		reply(c)
	}
}

func reply(code int32, body []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, 1) // xid of the first request
	b = binary.BigEndian.AppendUint64(b, 7) // zxid
	b = binary.BigEndian.AppendUint32(b, uint32(code))
	return frame(append(b, body...))
}

func TestHostileServers(t *testing.T) {
	cases := []struct {
		name  string
		reply func(w io.Writer)
		want  event.Status
	}{
		{"4 GB frame", func(w io.Writer) { w.Write([]byte{0x7f, 0xff, 0xff, 0xff}); time.Sleep(5 * time.Second) }, event.StatusProtocolError},
		{"negative frame length", func(w io.Writer) { w.Write([]byte{0xff, 0xff, 0xff, 0xfe}) }, event.StatusProtocolError},
		{"vector count lie", func(w io.Writer) {
			w.Write(reply(0, binary.BigEndian.AppendUint32(nil, 0x7fffffff)))
		}, event.StatusProtocolError},
		{"string length lie", func(w io.Writer) {
			b := binary.BigEndian.AppendUint32(nil, 1)
			b = binary.BigEndian.AppendUint32(b, 1<<30)
			w.Write(reply(0, b))
		}, event.StatusProtocolError},
		{"endless watch events", func(w io.Writer) {
			ev := frame(append(binary.BigEndian.AppendUint32(nil, 0xffffffff), make([]byte, 12)...))
			for {
				if _, err := w.Write(ev); err != nil {
					return
				}
			}
		}, event.StatusProtocolError},
		{"silence", func(io.Writer) { time.Sleep(10 * time.Second) }, event.StatusTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := probetest.FakeTCP(t, fakeAddr, fake(tc.reply))
			env := testEnv()
			env.Limits.ReadTimeout = 300 * time.Millisecond
			env.Limits.MaxResponse = 1 << 20
			start := time.Now()
			ev := probetest.ExploreTarget(ctx(t), zookeeper.New(), env, tg)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Explore took %v", d)
			}
			if ev.Status != tc.want || ev.Access.Anonymous {
				t.Errorf("status %s access %+v, want %s (errors %v)", ev.Status, ev.Access, tc.want, ev.Errors)
			}
			if ev.Service.Info["4lw_not_whitelisted"] != "mntr,envi" {
				t.Errorf("info %v", ev.Service.Info)
			}
		})
	}
}

func TestIdentifyRejectsOtherServers(t *testing.T) {
	for _, answer := range []string{"-ERR unknown command 'srvr'\r\n", "ERROR\r\n", "HTTP/1.1 400 Bad Request\r\n\r\n", ""} {
		tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
			io.WriteString(c, answer)
		})
		env := testEnv()
		env.Limits.ReadTimeout = 300 * time.Millisecond
		if svc, _ := zookeeper.New().Identify(ctx(t), env, tg); svc != nil {
			t.Errorf("Identify(%q) = %+v, want nil", answer, svc)
		}
	}
}
