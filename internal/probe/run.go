package probe

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
)

// Identify asks each probe whether it recognises the service at t: first the
// probes that list t.Port as a default port, then all others, so a Redis on
// port 9200 is still found. It returns the first match, or nil.
func Identify(ctx context.Context, env *Env, probes []Probe, t Target) (Probe, *event.Service) {
	ordered := make([]Probe, 0, len(probes))
	for _, p := range probes {
		if slices.Contains(p.DefaultPorts(), t.Port) {
			ordered = append(ordered, p)
		}
	}
	for _, p := range probes {
		if !slices.Contains(p.DefaultPorts(), t.Port) {
			ordered = append(ordered, p)
		}
	}
	for _, p := range ordered {
		if ctx.Err() != nil {
			return nil, nil
		}
		svc, err := identifyOne(ctx, env, p, t)
		if err == nil && svc != nil {
			return p, svc
		}
	}
	return nil, nil
}

func identifyOne(ctx context.Context, env *Env, p Probe, t Target) (svc *event.Service, err error) {
	ictx, cancel := context.WithTimeout(ctx, env.Limits.IdentifyTimeout)
	defer cancel()
	defer recoverInto(&err, p.Name())
	e := *env
	e.Budget = netio.NewBudget(env.Limits.MaxResponse)
	return p.Identify(ictx, &e, t)
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
