package clickhouse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// NativeProbe probes ClickHouse's native TCP protocol (9000) with the
// handshake only: a ClientHello as user "default" with an empty password
// (the server's shipped default, tried once and only when
// Env.DefaultCredentials allows it) answered by a ServerHello means anyone
// can log in. Without default credentials it sends a Ping before any hello,
// which ClickHouse refuses with an Exception: that identifies it without a
// login. Queries (column blocks) are left to the HTTP probe.
type NativeProbe struct{}

// NewNative returns the native-protocol probe.
func NewNative() probe.Probe { return NativeProbe{} }

// Name implements probe.Probe.
func (NativeProbe) Name() string { return "clickhouse-native" }

// DefaultPorts implements probe.Probe.
func (NativeProbe) DefaultPorts() []int { return []int{9000} }

const nativeUser = "default"

// handshake is what one native exchange told us.
type handshake struct {
	hello *serverHello
	exc   *nativeError
	login bool // a ClientHello with the default user was sent
}

// exchange sends one ClientHello (or a Ping when default credentials are
// off) and reads the server's first packet.
func exchange(ctx context.Context, env *probe.Env, t probe.Target) (*handshake, error) {
	c, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	hs := &handshake{login: env.DefaultCredentials()}
	msg := pingFirst
	if hs.login {
		msg = clientHello(nativeUser)
	}
	if _, err := c.Write(msg); err != nil {
		return nil, err
	}
	hs.hello, hs.exc, err = readServerPacket(bufio.NewReaderSize(c, 4096))
	if err != nil {
		return nil, err
	}
	if !hs.isClickHouse() {
		return nil, probe.Protocolf("clickhouse native: not a ClickHouse answer")
	}
	return hs, nil
}

// isClickHouse: a ServerHello naming ClickHouse, or a DB:: exception.
func (h *handshake) isClickHouse() bool {
	if h.hello != nil {
		return strings.Contains(h.hello.name, "ClickHouse")
	}
	return h.exc != nil && strings.HasPrefix(h.exc.name, "DB::")
}

func (h *handshake) service() *event.Service {
	svc := &event.Service{Name: "clickhouse-native", Product: "ClickHouse",
		Info: map[string]string{"http_port_hint": "the HTTP interface (8123) usually exposes the same data"}}
	if h.hello != nil {
		svc.Version = fmt.Sprintf("%d.%d", h.hello.major, h.hello.minor)
		svc.Info["revision"] = fmt.Sprint(h.hello.rev)
		if h.hello.timezone != "" {
			svc.Info["timezone"] = h.hello.timezone
		}
	}
	if !h.login {
		svc.Info["auth"] = "not tried (no default credentials)"
	}
	return svc
}

// Identify implements probe.Probe: one handshake.
func (NativeProbe) Identify(ctx context.Context, env *probe.Env, t probe.Target) (*event.Service, error) {
	hs, err := exchange(ctx, env, t)
	if err != nil {
		if errors.Is(err, probe.ErrProtocol) {
			return nil, nil // something else answered
		}
		return nil, err
	}
	return hs.service(), nil
}

// Explore implements probe.Probe.
func (NativeProbe) Explore(ctx context.Context, env *probe.Env, t probe.Target, ev *event.Event) error {
	hs, err := exchange(ctx, env, t)
	if err != nil {
		return err
	}
	ev.Service = hs.service()
	switch {
	case !hs.login:
		return fmt.Errorf("clickhouse native: logging in as %q without a password is a default-credential login: %w", nativeUser, probe.ErrNotTested)
	case hs.exc != nil && hs.exc.isAuth():
		return fmt.Errorf("clickhouse native: login as %q refused: code %d: %.200s: %w", nativeUser, hs.exc.code, hs.exc.message, probe.ErrAuthRequired)
	case hs.exc != nil:
		return probe.Protocolf("clickhouse native: hello refused: code %d: %.200s", hs.exc.code, hs.exc.message)
	}
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("native protocol: logged in as %s without password (ClickHouse %s, revision %d)", nativeUser, ev.Service.Version, hs.hello.rev)}
	return nil
}
