// Package redis finds Redis servers (and forks speaking RESP: Valkey, KeyDB,
// Dragonfly) that answer without a password, proves access with INFO and a
// SCAN-based sample, and inventories the key count of every database.
//
// Read-only: the probe sends INFO, PING, SELECT, SCAN, TYPE, GETRANGE,
// STRLEN, HSCAN, LRANGE, SSCAN, ZRANGE, XRANGE, CONFIG GET and CLIENT SETNAME.
// SELECT changes only the connection's current database. CLIENT SETNAME
// changes only the connection's name: leakwatch sends it so that an operator
// reading CLIENT LIST sees who is connected (the rules ask every probe to
// identify itself where the protocol allows); it is not persisted, replicated
// nor written to the AOF, and disappears with the connection. It never sends
// CONFIG SET, AUTH guesses, or any command that writes data.
package redis

import (
	"context"
	"strconv"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Probe is the Redis probe.
type Probe struct{}

// New returns the Redis probe.
func New() probe.Probe { return Probe{} }

func (Probe) Name() string        { return "redis" }
func (Probe) DefaultPorts() []int { return []int{6379} }

// ClientName is what leakwatch calls its connections (CLIENT SETNAME).
const ClientName = "leakwatch"

// Identify sends PING. A Redis answers +PONG, or refuses with NOAUTH (password
// set) or DENIED (protected mode); anything else is not Redis. With +PONG it
// also reads INFO server for the version.
func (p Probe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	v, err := c.do("PING")
	switch {
	case err == nil && v.Kind == KindSimple && v.String() == "PONG":
	case isServerError(err) && isAuthError(v.String()):
		return &event.Service{Name: p.Name(), Product: "Redis", Info: map[string]string{"auth": firstWord(v.String())}}, nil
	default:
		return nil, nil
	}
	svc := &event.Service{Name: p.Name(), Product: "Redis"}
	if s, err := c.bulk("INFO", "server"); err == nil {
		fillService(svc, ParseInfo(s))
	}
	return svc, nil
}

func fillService(svc *event.Service, in Info) {
	svc.Product, svc.Version = in.product()
	svc.Info = map[string]string{}
	for _, k := range []string{"redis_mode", "role", "uptime_in_seconds", "os", "used_memory_human", "connected_clients", "maxmemory_policy"} {
		if v := in.Fields[k]; v != "" {
			svc.Info[k] = v
		}
	}
	if n := len(in.Keyspace); n > 0 {
		svc.Info["databases_with_keys"] = strconv.Itoa(n)
	}
}

func firstWord(s string) string {
	for i := range len(s) {
		if s[i] == ' ' {
			return s[:i]
		}
	}
	return s
}
