package etcd_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/etcd"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fake is a raw HTTP/1.1 peer: /version answers like etcd, kv/range with rangeReply.
func fake(rangeReply func(w io.Writer)) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.Copy(io.Discard, req.Body)
			if req.URL.Path == "/version" {
				body := `{"etcdserver":"3.5.99","etcdcluster":"3.5.0"}`
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
				continue
			}
			rangeReply(c)
			return
		}
	}
}

func TestHostileServers(t *testing.T) {
	cases := []struct {
		name  string
		reply func(w io.Writer)
		want  event.Status
	}{
		{"endless body", func(w io.Writer) {
			io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"kvs\":[")
			for {
				if _, err := io.WriteString(w, `{"key":"YQ=="},`); err != nil {
					return
				}
			}
		}, event.StatusTooLarge},
		{"4 GB content length", func(w io.Writer) {
			io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n")
			for {
				if _, err := io.WriteString(w, strings.Repeat("A", 4096)); err != nil {
					return
				}
			}
		}, event.StatusTooLarge},
		{"garbage", func(w io.Writer) {
			io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{{{{{")
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
			ev := probetest.ExploreTarget(ctx(t), etcd.New(), env, tg)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Explore took %v", d)
			}
			if ev.Status != tc.want || ev.Access.Anonymous {
				t.Errorf("status %s access %+v, want %s (errors %v)", ev.Status, ev.Access, tc.want, ev.Errors)
			}
		})
	}
}

func TestIdentifyRejectsOtherServers(t *testing.T) {
	for _, answer := range []string{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "-ERR unknown\r\n", ""} {
		tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
			io.WriteString(c, answer)
			time.Sleep(time.Second)
		})
		env := testEnv()
		env.Limits.ReadTimeout = 300 * time.Millisecond
		if svc, _ := etcd.New().Identify(ctx(t), env, tg); svc != nil {
			t.Errorf("Identify(%q) = %+v, want nil", answer, svc)
		}
	}
}
