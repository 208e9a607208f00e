// Package zookeeper finds ZooKeeper servers whose znode tree is readable
// without credentials: the four-letter words srvr/mntr/envi (when
// whitelisted) for version and counts, and a read-only session over the
// binary protocol for the top-level znodes (containers), their subtree sizes
// and sampled data.
//
// Read-only: srvr, mntr, envi, connect, getChildren, getData,
// getAllChildrenNumber and closeSession (ending leakwatch's own session).
// No create, setData, delete, setACL, addAuth guesses or watches.
package zookeeper

import (
	"context"
	"errors"
	"strings"
	"syscall"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Probe is the ZooKeeper probe.
type Probe struct{}

// New returns the ZooKeeper probe.
func New() probe.Probe { return Probe{} }

func (Probe) Name() string        { return "zookeeper" }
func (Probe) DefaultPorts() []int { return []int{2181} }

// Identify sends the srvr four-letter word (whitelisted by default since
// 3.5). A ZooKeeper answers "Zookeeper version: ..." or says srvr is not
// whitelisted; with neither, a binary ConnectRequest must get a
// ConnectResponse.
func (p Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	lines, err := fourLetter(ctx, env, t, "srvr")
	var nw notWhitelisted
	switch {
	case err == nil && len(lines) > 0 && strings.HasPrefix(lines[0], "Zookeeper version: "):
		kv := ParseKV(lines)
		svc := &event.Service{Name: p.Name(), Product: "ZooKeeper", Version: versionOf(kv["Zookeeper version"]), Info: map[string]string{}}
		if m := kv["Mode"]; m != "" {
			svc.Info["mode"] = m
		}
		return svc, nil
	case errors.As(err, &nw):
		return &event.Service{Name: p.Name(), Product: "ZooKeeper", Info: map[string]string{"4lw": "srvr not whitelisted"}}, nil
	}
	// A silent peer (timeout) is not a ZooKeeper with 4lw off: those answer
	// the whitelist message or close at once. Only then try the handshake.
	if ctx.Err() != nil || netio.IsTimeout(err) {
		return nil, nil
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil, err // a closed port: let the scan say "refused"
	}
	c, err := connect(ctx, env, t)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, err
		}
		return nil, nil
	}
	c.close()
	return &event.Service{Name: p.Name(), Product: "ZooKeeper", Info: map[string]string{"4lw": "no answer to srvr"}}, nil
}
