package probe

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// stubProbe is a dispatcher test double: these tests exercise the order and
// concurrency of IdentifyService, not any datastore.
type stubProbe struct {
	name  string
	ports []int
	fn    func(ctx context.Context, env *Env) (*event.Service, error)
	calls atomic.Int32
}

func (s *stubProbe) Name() string        { return s.name }
func (s *stubProbe) DefaultPorts() []int { return s.ports }
func (s *stubProbe) Identify(ctx context.Context, env *Env, _ Target) (*event.Service, error) {
	s.calls.Add(1)
	return s.fn(ctx, env)
}
func (s *stubProbe) Explore(context.Context, *Env, Target, *event.Event) error { return nil }

func match(name string) func(context.Context, *Env) (*event.Service, error) {
	return func(context.Context, *Env) (*event.Service, error) { return &event.Service{Name: name}, nil }
}

// noMatch models a peer that answered something this probe does not know.
func noMatch(_ context.Context, env *Env) (*event.Service, error) {
	env.Budget.Take(10)
	return nil, nil
}

// blockUntilCancel models a silent peer.
func blockUntilCancel(ctx context.Context, _ *Env) (*event.Service, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

var target = Target{IP: netip.MustParseAddr("127.77.40.1"), Port: 9200}

func TestIdentifyServiceOwnersFirst(t *testing.T) {
	owner := &stubProbe{name: "es", ports: []int{9200}, fn: match("es")}
	other := &stubProbe{name: "redis", ports: []int{6379}, fn: match("redis")}
	p, svc, _ := IdentifyService(context.Background(), NewEnv(DefaultLimits()), []Probe{other, owner}, target)
	if p != owner || svc.Name != "es" {
		t.Fatalf("got %v, want the port's owner", svc)
	}
	if other.calls.Load() != 0 {
		t.Fatalf("a non-owner was asked although the owner matched")
	}
}

func TestIdentifyServiceSilentProbeDoesNotDelayMatch(t *testing.T) {
	lim := DefaultLimits()
	lim.IdentifyTimeout = 20 * time.Second
	silent := &stubProbe{name: "mysql", ports: []int{3306}, fn: blockUntilCancel}
	redis := &stubProbe{name: "redis", ports: []int{6379}, fn: match("redis")}
	start := time.Now()
	p, _, _ := IdentifyService(context.Background(), NewEnv(lim), []Probe{silent, redis}, target)
	if p != redis {
		t.Fatalf("got %v, want redis", p)
	}
	// The silent probe would hold the port for 20 s if probes ran in turn.
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("identification waited for the silent probe: %v", d)
	}
}

func TestIdentifyServiceOutcome(t *testing.T) {
	lim := DefaultLimits()
	lim.IdentifyTimeout = 50 * time.Millisecond
	probes := []Probe{
		&stubProbe{name: "a", fn: noMatch},
		&stubProbe{name: "b", fn: blockUntilCancel},
		&stubProbe{name: "c", fn: func(context.Context, *Env) (*event.Service, error) { return nil, syscall.ECONNREFUSED }},
		&stubProbe{name: "d", fn: func(_ context.Context, env *Env) (*event.Service, error) {
			env.Budget.Take(3)
			panic("hostile input")
		}},
		// silent but quick: the probe returns nil although the peer never spoke
		&stubProbe{name: "e", fn: func(context.Context, *Env) (*event.Service, error) { return nil, nil }},
	}
	p, _, out := IdentifyService(context.Background(), NewEnv(lim), probes, target)
	if p != nil {
		t.Fatalf("matched %s", p.Name())
	}
	want := Outcome{Tried: 5, Answered: 2, TimedOut: 2, Refused: 1} // the panic read bytes: an answer
	if out != want {
		t.Fatalf("outcome %+v, want %+v", out, want)
	}
}

func TestDefaultPortsUnionSorted(t *testing.T) {
	got := DefaultPorts([]Probe{&stubProbe{ports: []int{9200, 9201}}, &stubProbe{ports: []int{6379, 9200}}})
	if fmt.Sprint(got) != "[6379 9200 9201]" {
		t.Fatalf("DefaultPorts = %v", got)
	}
}

func TestRansomNameMatch(t *testing.T) {
	for name, want := range map[string]string{
		"READ_ME_TO_RECOVER_YOUR_DATA": "read_me", "README": "readme", "warning": "warning",
		"meow_1234": "meow", "sms_logs": "", "customers": "", "how_to_recover_db": "how_to_recover",
	} {
		if got := RansomNameMatch(name); got != want {
			t.Errorf("RansomNameMatch(%q) = %q, want %q", name, got, want)
		}
	}
}
