package memcached_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/memcached"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// fake answers the commands leakwatch sends with the given handlers
// (default: a small valid answer), so one misbehaving step can be tested.
func fake(h map[string]func(w io.Writer)) func(net.Conn) {
	def := map[string]string{
		"version":     "VERSION 1.6.99\r\n",
		"stats":       "STAT version 1.6.99\r\nSTAT curr_items 2\r\nSTAT bytes 100\r\nEND\r\n",
		"lru_crawler": "key=a exp=-1 la=1 cas=1 fetch=no cls=1 size=60\r\nkey=b exp=-1 la=1 cas=2 fetch=no cls=1 size=60\r\nEND\r\n",
		"get":         "VALUE a 0 1\r\nx\r\nEND\r\n",
	}
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			cmd, _, _ := strings.Cut(strings.TrimSpace(l), " ")
			if f := h[cmd]; f != nil {
				f(c)
				return
			}
			io.WriteString(c, def[cmd])
		}
	}
}

func endless(line string) func(w io.Writer) {
	return func(w io.Writer) {
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(w, line, i); err != nil {
				return
			}
		}
	}
}

func TestHostileServers(t *testing.T) {
	cases := []struct {
		name       string
		h          map[string]func(io.Writer)
		want       event.Status
		wantErrors bool
	}{
		{"endless stats", map[string]func(io.Writer){"stats": endless("STAT s%d 1\r\n")}, event.StatusTooLarge, true},
		{"endless line", map[string]func(io.Writer){"stats": func(w io.Writer) { io.WriteString(w, "STAT x "); endless("%d")(w) }}, event.StatusProtocolError, true},
		{"silence", map[string]func(io.Writer){"stats": func(io.Writer) { time.Sleep(10 * time.Second) }}, event.StatusTimeout, true},
		// Access is proven by stats: a later misbehaviour keeps "open" and truncates.
		{"endless metadump", map[string]func(io.Writer){"lru_crawler": endless("key=k%d exp=-1 la=1 cas=1 fetch=no cls=1 size=60\r\n")}, event.StatusOpen, false},
		{"4 GB value", map[string]func(io.Writer){"get": func(w io.Writer) {
			io.WriteString(w, "VALUE a 0 4294967296\r\n")
			endless("%d")(w)
		}}, event.StatusOpen, true},
		{"key smuggling a command", map[string]func(io.Writer){"lru_crawler": func(w io.Writer) {
			io.WriteString(w, "key=a%0D%0Aflush_all exp=-1 la=1 cas=1 fetch=no cls=1 size=60\r\nEND\r\n")
		}, "flush_all": func(io.Writer) { panic("flush_all reached the server") }}, event.StatusOpen, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := probetest.FakeTCP(t, fakeAddr, fake(tc.h))
			env := testEnv()
			env.Limits.ReadTimeout = 300 * time.Millisecond
			env.Limits.MaxResponse = 1 << 20
			start := time.Now()
			ev := probetest.ExploreTarget(ctx(t), memcached.New(), env, tg)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Explore took %v", d)
			}
			if ev.Status != tc.want || (len(ev.Errors) > 0) != tc.wantErrors {
				t.Errorf("status %s errors %v, want %s (errors: %v)", ev.Status, ev.Errors, tc.want, tc.wantErrors)
			}
		})
	}
}

func TestIdentifyRejectsOtherServers(t *testing.T) {
	for _, greeting := range []string{"-ERR unknown command 'version'\r\n", "HTTP/1.1 400 Bad Request\r\n\r\n", "VERSION \r\n", ""} {
		tg := probetest.FakeTCP(t, fakeAddr, func(c net.Conn) {
			io.WriteString(c, greeting)
			time.Sleep(time.Second)
		})
		env := testEnv()
		env.Limits.ReadTimeout = 300 * time.Millisecond
		if svc, _ := memcached.New().Identify(ctx(t), env, tg); svc != nil {
			t.Errorf("Identify(%q) = %+v, want nil", greeting, svc)
		}
	}
}
