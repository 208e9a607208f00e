package redis_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/redis"
)

// hostile answers "+PONG" to PING (so Identify and the flow proceed) and
// then misbehaves on the next command with reply.
func hostile(reply func(w io.Writer)) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		r := redis.NewReader(br, redis.Limits{MaxReply: 1 << 20, MaxBulk: 1 << 20, MaxElements: 1000, MaxDepth: 4})
		for {
			v, err := r.ReadReply()
			if err != nil {
				return
			}
			if len(v.Array) > 0 && strings.EqualFold(v.Array[0].String(), "PING") {
				io.WriteString(c, "+PONG\r\n")
				continue
			}
			reply(c)
			return
		}
	}
}

func TestHostileServers(t *testing.T) {
	cases := []struct {
		name  string
		reply func(w io.Writer)
		want  []event.Status
	}{
		{"endless array", func(w io.Writer) {
			io.WriteString(w, "*100000\r\n")
			for {
				if _, err := io.WriteString(w, "*1\r\n"); err != nil {
					return
				}
			}
		}, []event.Status{event.StatusProtocolError}},
		{"huge array count", func(w io.Writer) {
			io.WriteString(w, "*2147483647\r\n")
			time.Sleep(5 * time.Second)
		}, []event.Status{event.StatusProtocolError}},
		{"4 GB bulk", func(w io.Writer) {
			io.WriteString(w, "$4294967296\r\n")
			io.Copy(w, zeroReader{})
		}, []event.Status{event.StatusProtocolError, event.StatusTooLarge}},
		{"bulk under the limit but endless elements", func(w io.Writer) {
			io.WriteString(w, "*900000\r\n")
			b := bytes.Repeat([]byte("$6\r\nAAAAAA\r\n"), 1000)
			for {
				if _, err := w.Write(b); err != nil {
					return
				}
			}
		}, []event.Status{event.StatusTooLarge}},
		{"endless line", func(w io.Writer) {
			io.WriteString(w, "+")
			io.Copy(w, zeroReader{})
		}, []event.Status{event.StatusProtocolError}},
		{"silence", func(io.Writer) { time.Sleep(10 * time.Second) }, []event.Status{event.StatusTimeout}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := probetest.FakeTCP(t, fakeAddr, hostile(tc.reply))
			env := testEnv()
			env.Limits.ReadTimeout = 300 * time.Millisecond
			env.Limits.MaxResponse = 1 << 20
			start := time.Now()
			ev := probetest.ExploreTarget(ctx(t), redis.New(), env, tg)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Explore took %v", d)
			}
			ok := false
			for _, s := range tc.want {
				ok = ok || ev.Status == s
			}
			if !ok {
				t.Errorf("status %s, want one of %v (errors %v)", ev.Status, tc.want, ev.Errors)
			}
			if ev.Access.Anonymous {
				t.Errorf("access claimed on a hostile server: %+v", ev.Access)
			}
		})
	}
}

func TestIdentifyRejectsOtherServers(t *testing.T) {
	for _, greeting := range []string{"ERROR\r\n", "HTTP/1.1 400 Bad Request\r\n\r\n", "-ERR unknown command\r\n", ""} {
		tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
			io.WriteString(c, greeting)
			time.Sleep(time.Second)
		})
		env := testEnv()
		env.Limits.ReadTimeout = 300 * time.Millisecond
		if svc, _ := redis.New().Identify(ctx(t), env, tg); svc != nil {
			t.Errorf("Identify(%q) = %+v, want nil", greeting, svc)
		}
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}

// scripted answers each command by name; unknown commands get -ERR.
func scripted(answers map[string]string) func(net.Conn) {
	return func(c net.Conn) {
		r := redis.NewReader(bufio.NewReader(c), redis.Limits{MaxReply: 1 << 20, MaxBulk: 1 << 20, MaxElements: 1000, MaxDepth: 4})
		for {
			v, err := r.ReadReply()
			if err != nil || len(v.Array) == 0 {
				return
			}
			a, ok := answers[strings.ToUpper(v.Array[0].String())]
			if !ok {
				a = "-ERR unknown command\r\n"
			}
			io.WriteString(c, a)
		}
	}
}

func TestProtectedModeIsAuthRequired(t *testing.T) {
	denied := "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.\r\n"
	tg := probetest.FakeTCP(t, fakeAddr, scripted(map[string]string{"PING": denied, "INFO": denied}))
	env := testEnv()
	svc, err := redis.New().Identify(ctx(t), env, tg)
	if err != nil || svc == nil || svc.Info["auth"] != "DENIED" {
		t.Fatalf("Identify = %+v, %v", svc, err)
	}
	ev := probetest.ExploreTarget(ctx(t), redis.New(), env, tg)
	if ev.Status != event.StatusAuthRequired || ev.Access.Anonymous || !strings.Contains(ev.Access.Proof, "protected mode") {
		t.Errorf("status %s access %+v", ev.Status, ev.Access)
	}
}

func TestNoPermOnScanKeepsOpen(t *testing.T) {
	info := "# Server\r\nredis_version:7.2.0\r\n# Keyspace\r\ndb0:keys=5,expires=0,avg_ttl=0\r\n"
	tg := probetest.FakeTCP(t, fakeAddr, scripted(map[string]string{
		"INFO":   "$" + strconv.Itoa(len(info)) + "\r\n" + info + "\r\n",
		"CLIENT": "+OK\r\n", "SELECT": "+OK\r\n",
		"SCAN": "-NOPERM User default has no permissions to run the 'scan' command\r\n",
	}))
	ev := probetest.ExploreTarget(ctx(t), redis.New(), testEnv(), tg)
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata || !ev.Dataset.Truncated ||
		*ev.Dataset.Containers[0].Documents != 5 {
		t.Errorf("status %s access %+v dataset %+v errors %v", ev.Status, ev.Access, ev.Dataset, ev.Errors)
	}
}
