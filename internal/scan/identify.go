package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// identify runs probe.IdentifyService within portTimeout and turns a miss
// into a status: "something answered that no probe knows" (not-identified),
// "nothing ever answered" (timeout: a tarpit or a silent service) or "every
// connection was refused" (refused).
func identify(ctx context.Context, env *probe.Env, probes []probe.Probe, t probe.Target, portTimeout time.Duration) (probe.Probe, *event.Service, event.Status, string) {
	pctx, cancel := context.WithTimeout(ctx, portTimeout)
	defer cancel()
	p, svc, out := probe.IdentifyService(pctx, env, probes, t)
	switch {
	case p != nil:
		return p, svc, "", ""
	case out.Answered > 0 || len(probes) == 0:
		return nil, nil, event.StatusNotIdentified, fmt.Sprintf("no probe recognised the service (%d tried)", len(probes))
	case out.TimedOut > 0 || pctx.Err() != nil:
		return nil, nil, event.StatusTimeout, fmt.Sprintf("identify: no answer within the time limits (%d probes tried)", len(probes))
	default:
		return nil, nil, event.StatusRefused, "identify: connection refused"
	}
}
