package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// conn is one request/response connection to a Redis server.
type conn struct {
	nc *netio.Conn
	r  *Reader
}

// ServerError is a "-ERR ..." reply.
type ServerError struct{ Msg string }

func (e *ServerError) Error() string { return "redis: " + e.Msg }

// Unwrap maps Redis' refusals to probe.ErrAuthRequired: NOAUTH (requirepass
// or ACL), DENIED (protected mode: no password, but remote clients refused),
// WRONGPASS, and NOPERM (the ACL default user may not run the command).
func (e *ServerError) Unwrap() error {
	if isAuthError(e.Msg) {
		return probe.ErrAuthRequired
	}
	return nil
}

func isAuthError(msg string) bool {
	code, _, _ := strings.Cut(msg, " ")
	switch code {
	case "NOAUTH", "DENIED", "WRONGPASS", "NOPERM":
		return true
	}
	return false
}

func dial(ctx context.Context, env *probe.Env, t probe.Target) (*conn, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	l := env.Limits
	return &conn{nc: nc, r: NewReader(nc, Limits{
		MaxReply:    l.MaxResponse,
		MaxBulk:     l.MaxResponse,
		MaxElements: 1 << 20,
		MaxDepth:    min(max(l.MaxDepth, 1), 32),
	})}, nil
}

func (c *conn) Close() error { return c.nc.Close() }

// do sends one command and reads its reply; an error reply becomes *ServerError.
func (c *conn) do(args ...string) (Value, error) {
	if _, err := c.nc.Write(AppendCommand(nil, args...)); err != nil {
		return Value{}, err
	}
	v, err := c.r.ReadReply()
	if err != nil {
		return Value{}, fmt.Errorf("%s: %w", args[0], err)
	}
	if v.Kind == KindError {
		return v, &ServerError{Msg: v.String()}
	}
	return v, nil
}

// bulk runs a command expected to answer a bulk string.
func (c *conn) bulk(args ...string) (string, error) {
	v, err := c.do(args...)
	if err != nil {
		return "", err
	}
	if v.Kind != KindBulk && v.Kind != KindSimple {
		return "", probe.Protocolf("%s: expected a string reply, got %q", args[0], v.Kind)
	}
	return v.String(), nil
}

func isServerError(err error) bool {
	var se *ServerError
	return errors.As(err, &se)
}
