package scan

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
	"github.com/leakwatch/leakwatch/internal/probe"
)

// identify asks the probes in probe.Identify's order (the port's owners
// first, then the rest) whether they recognise the service at t. Unlike
// probe.Identify it keeps the failures, to tell "something answered that no
// probe knows" (not-identified) from "nothing ever answered" (timeout: a
// tarpit or a silent service) and "every connection was refused" (refused).
// The whole port gets at most portTimeout.
func identify(ctx context.Context, env *probe.Env, probes []probe.Probe, t probe.Target, portTimeout time.Duration) (probe.Probe, *event.Service, event.Status, string) {
	pctx, cancel := context.WithTimeout(ctx, portTimeout)
	defer cancel()
	var answered, timeouts, refused int
	for _, p := range ordered(probes, t.Port) {
		if pctx.Err() != nil {
			timeouts++
			break
		}
		svc, err := identifyOne(pctx, env, p, t)
		switch {
		case err == nil && svc != nil:
			return p, svc, "", ""
		case err == nil:
			answered++
		case errors.Is(err, syscall.ECONNREFUSED):
			refused++
		case netio.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded):
			timeouts++
		default:
			answered++
		}
	}
	switch {
	case answered > 0 || len(probes) == 0:
		return nil, nil, event.StatusNotIdentified, fmt.Sprintf("no probe recognised the service (%d tried)", len(probes))
	case timeouts > 0:
		return nil, nil, event.StatusTimeout, fmt.Sprintf("identify: no answer within the time limits (%d probes tried)", len(probes))
	default:
		return nil, nil, event.StatusRefused, "identify: connection refused"
	}
}

// ordered puts the probes that list port as a default port first, keeping
// the registry order otherwise (the order probe.Identify uses).
func ordered(probes []probe.Probe, port int) []probe.Probe {
	out := make([]probe.Probe, 0, len(probes))
	for _, p := range probes {
		if slices.Contains(p.DefaultPorts(), port) {
			out = append(out, p)
		}
	}
	for _, p := range probes {
		if !slices.Contains(p.DefaultPorts(), port) {
			out = append(out, p)
		}
	}
	return out
}

// identifyOne runs one probe's Identify within the identify timeout and a
// response-sized byte budget; a panic becomes a protocol error.
func identifyOne(ctx context.Context, env *probe.Env, p probe.Probe, t probe.Target) (svc *event.Service, err error) {
	ictx, cancel := context.WithTimeout(ctx, env.Limits.IdentifyTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			svc, err = nil, fmt.Errorf("%w: probe %s panicked: %v\n%s", probe.ErrProtocol, p.Name(), r, debug.Stack())
		}
	}()
	e := *env
	e.Budget = netio.NewBudget(env.Limits.MaxResponse)
	return p.Identify(ictx, &e, t)
}
