package scan

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// identify runs probe.IdentifyService within portTimeout and turns a miss
// into a status: "something answered that no probe knows" (not-identified),
// "nothing ever answered" (timeout: a tarpit or a silent service) or "every
// connection was refused" (refused). A port that answered but that no probe
// recognised is tried once more over TLS when it completes a TLS handshake
// (Elasticsearch 8 serves HTTPS by default, on 9200): then t.TLS is set.
func identify(ctx context.Context, env *probe.Env, probes []probe.Probe, t *probe.Target, portTimeout time.Duration) (probe.Probe, *event.Service, event.Status, string) {
	pctx, cancel := context.WithTimeout(ctx, portTimeout)
	defer cancel()
	p, svc, out := probe.IdentifyService(pctx, env, probes, *t)
	if p == nil && !t.TLS && out.Answered > 0 && speaksTLS(pctx, env, *t) {
		tt := *t
		tt.TLS = true
		if p, svc, _ = probe.IdentifyService(pctx, env, probes, tt); p != nil {
			*t = tt
		}
	}
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

// speaksTLS reports whether t completes a TLS handshake (certificates are
// not verified: leakwatch reports what is reachable, it does not trust it).
func speaksTLS(ctx context.Context, env *probe.Env, t probe.Target) bool {
	hctx, cancel := context.WithTimeout(ctx, env.Limits.IdentifyTimeout)
	defer cancel()
	c, err := env.Dial(hctx, t)
	if err != nil {
		return false
	}
	defer c.Close()
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, ServerName: t.Host}) //nolint:gosec // scanner
	return tc.HandshakeContext(hctx) == nil
}
