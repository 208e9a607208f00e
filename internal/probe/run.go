package probe

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
)

// Identify asks the probes whether they recognise the service at t and
// returns the one that does, or nil. See IdentifyService.
func Identify(ctx context.Context, env *Env, probes []Probe, t Target) (Probe, *event.Service) {
	p, svc, _ := IdentifyService(ctx, env, probes, t)
	return p, svc
}

// Outcome counts how the probes' Identify calls ended when none matched, so
// callers can tell "something answered that no probe knows" (Answered) from
// a silent port (TimedOut) and a closed one (Refused).
type Outcome struct {
	Tried, Answered, TimedOut, Refused int
}

// identifyParallel bounds how many probes talk to one port at once.
const identifyParallel = 6

// IdentifyService asks the probes that list t.Port as a default port first,
// one after the other (the likely answer, cheaply); then all the others
// concurrently, at most identifyParallel at a time, so a Redis on port 9200
// is still found without paying every silent-greeting timeout in turn. The
// first probe to recognise the service wins and the others are cancelled:
// the cross-identification tests guarantee no two probes claim one service.
func IdentifyService(ctx context.Context, env *Env, probes []Probe, t Target) (Probe, *event.Service, Outcome) {
	var owners, others []Probe
	for _, p := range probes {
		if slices.Contains(p.DefaultPorts(), t.Port) {
			owners = append(owners, p)
		} else {
			others = append(others, p)
		}
	}
	var out Outcome
	for _, p := range owners {
		if ctx.Err() != nil {
			out.TimedOut++
			return nil, nil, out
		}
		svc, spoke, err := identifyOne(ctx, env, p, t)
		if svc != nil && err == nil {
			return p, svc, out
		}
		out.count(err, spoke)
	}
	if len(others) == 0 {
		return nil, nil, out
	}
	type result struct {
		p     Probe
		svc   *event.Service
		spoke bool
		err   error
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan result, len(others))
	sem := make(chan struct{}, identifyParallel)
	for _, p := range others {
		go func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-cctx.Done():
				results <- result{p: p, err: cctx.Err()}
				return
			}
			if cctx.Err() != nil {
				results <- result{p: p, err: cctx.Err()}
				return
			}
			svc, spoke, err := identifyOne(cctx, env, p, t)
			results <- result{p, svc, spoke, err}
		}()
	}
	for range others {
		r := <-results
		if r.svc != nil && r.err == nil {
			return r.p, r.svc, out // deferred cancel stops the rest; their goroutines drain into the buffer
		}
		out.count(r.err, r.spoke)
	}
	return nil, nil, out
}

// count files one probe's miss. Whether the peer reacted at all (sent a
// byte or hung up) is measured on the connection, not taken from the
// probe's error: probes differ in how they report a silent peer (nil, a read
// timeout, a connection closed by the deadline), and a tarpit must read as
// "timeout" whatever they return.
func (o *Outcome) count(err error, spoke bool) {
	o.Tried++
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		o.Refused++
	case !spoke:
		o.TimedOut++ // accepted, never said a word
	default:
		o.Answered++ // it said something no probe understood
	}
}

// Explore runs p.Explore within the explore timeout and the byte budget and
// records the outcome in ev: a probe error becomes a status, a panic an error.
func Explore(ctx context.Context, env *Env, p Probe, t Target, ev *event.Event) {
	start := time.Now()
	ectx, cancel := context.WithTimeout(ctx, env.Limits.ExploreTimeout)
	defer cancel()
	e := *env
	e.Budget = netio.NewBudget(env.Limits.MaxBytes)
	err := func() (err error) {
		defer recoverInto(&err, p.Name())
		return p.Explore(ectx, &e, t, ev)
	}()
	if err != nil {
		st := StatusOf(err)
		// A probe that already proved access keeps "open": the error only cut
		// the inventory short.
		if ev.Status != event.StatusOpen || st == event.StatusAuthRequired {
			ev.Status = st
		}
		if ev.Dataset != nil {
			ev.Dataset.Truncated = true
		}
		ev.Errors = append(ev.Errors, err.Error())
	}
	if ev.Status == "" {
		ev.Status = event.StatusError
	}
	if ev.Dataset != nil {
		ev.Dataset.ComputeTotals()
	}
	ev.DurationMS += time.Since(start).Milliseconds()
}

func recoverInto(err *error, name string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: probe %s panicked: %v\n%s", ErrProtocol, name, r, debug.Stack())
	}
}

// identifyOne runs one probe's Identify within the identify timeout and a
// response-sized byte budget; a panic becomes a protocol error.
// It also reports whether the peer reacted: sent a byte or hung up.
func identifyOne(ctx context.Context, env *Env, p Probe, t Target) (svc *event.Service, spoke bool, err error) {
	ictx, cancel := context.WithTimeout(ctx, env.Limits.IdentifyTimeout)
	defer cancel()
	e := *env
	e.Budget = netio.NewBudget(env.Limits.MaxResponse)
	defer func() { spoke = e.Budget.Left() < env.Limits.MaxResponse || e.Budget.PeerClosed() }()
	defer recoverInto(&err, p.Name())
	svc, err = p.Identify(ictx, &e, t)
	return svc, false, err
}
