package scan

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/scope"
)

// The pipeline's own tests run against real TCP listeners on 127.77.42.x
// and 127.77.43.x (this package's addresses) that behave in one way each.
// helloProbe is the one test probe: it speaks a one-line banner protocol, so
// the pipeline can be tested without any datastore (probes are tested
// against real servers in their own packages).

type behaviour int

const (
	speakHello  behaviour = iota // sends "HELLO <version>\n" then "DATA <value>\n" lines
	closeAtOnce                  // accepts and closes: something answers, nobody recognises it
	stall                        // accepts and never says a word
)

// listen starts a listener at addr with behaviour b until the test ends.
func listen(t testing.TB, addr string, b behaviour) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				switch b {
				case closeAtOnce:
					c.Close()
				case stall:
					_, _ = io.Copy(io.Discard, c) // until the client or the test closes it
				case speakHello:
					defer c.Close()
					_, _ = io.WriteString(c, "HELLO 1.2.3\nDATA customer jane@example.com +15550001111\n")
					_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
					_, _ = io.Copy(io.Discard, c)
				}
			})
		}
	})
}

type helloProbe struct{ ports []int }

func (h helloProbe) Name() string        { return "hello" }
func (h helloProbe) DefaultPorts() []int { return h.ports }

func (h helloProbe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	line, err := bufio.NewReaderSize(io.LimitReader(c, 256), 256).ReadString('\n')
	if err != nil {
		return nil, err
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(line), "HELLO ")
	if !ok {
		return nil, nil
	}
	return &event.Service{Name: "hello", Product: "Hello", Version: v}, nil
}

func (h helloProbe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	c, err := env.Dial(ctx, t)
	if err != nil {
		return err
	}
	defer c.Close()
	r := bufio.NewReaderSize(io.LimitReader(c, 1024), 256)
	if _, err := r.ReadString('\n'); err != nil {
		return err
	}
	data, err := r.ReadString('\n')
	if err != nil {
		return errors.Join(probe.ErrProtocol, err)
	}
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessData, Proof: "read 1 DATA line"}
	ev.Dataset = &event.Dataset{Containers: []event.Container{{Kind: "stream", Name: "data", Documents: event.Int64(1),
		Sampled: 1, Samples: []event.Sample{{Key: "1", Format: "text", Data: []byte(strings.TrimSpace(data))}}}}}
	return nil
}

// items builds a scope over targets × ports, loopback allowed.
func items(t testing.TB, targets []string, ports []int) *scope.Scope {
	t.Helper()
	s, err := scope.Parse(context.Background(), targets, nil, scope.Options{DefaultPorts: ports, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fastLimits keep stalls short in tests.
func fastLimits() probe.Limits {
	l := probe.DefaultLimits()
	l.ConnectTimeout, l.ReadTimeout, l.IdentifyTimeout, l.ExploreTimeout = time.Second, 300*time.Millisecond, time.Second, 5*time.Second
	return l
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// countSink counts events.
type countSink struct{ n int }

func (c *countSink) Event(context.Context, *event.Event) error { c.n++; return nil }
