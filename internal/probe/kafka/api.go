package kafka

import (
	"context"
	"errors"
	"io"
	"syscall"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// conn is one connection to the target broker.
type conn struct {
	c     *netio.Conn
	limit int64
	corr  int32
}

func dial(ctx context.Context, env *probe.Env, t probe.Target) (*conn, error) {
	c, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, limit: env.Limits.MaxResponse}, nil
}

func (c *conn) Close() error { return c.c.Close() }

func (c *conn) call(key, version int16, body []byte) (*reader, error) {
	c.corr++
	if _, err := c.c.Write(request(key, version, c.corr, body)); err != nil {
		return nil, err
	}
	return readResponse(c.c, c.corr, c.limit)
}

// closedBySASL reports an error that means the broker hung up on a request
// sent before authentication: what a SASL listener does to anything but
// ApiVersions and SaslHandshake.
func closedBySASL(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// apiRange is one ApiVersions entry.
type apiRange struct{ min, max int16 }

// apiVersions sends ApiVersions v0, which every broker answers (before any
// authentication, and in v0 format even when it wants a newer version).
func (c *conn) apiVersions() (map[int16]apiRange, int16, error) {
	r, err := c.call(apiAPIVersions, 0, nil)
	if err != nil {
		return nil, 0, err
	}
	return parseAPIVersions(r)
}

func parseAPIVersions(r *reader) (map[int16]apiRange, int16, error) {
	code := r.int16()
	n := r.array(6, "api")
	apis := make(map[int16]apiRange, n)
	for i := 0; i < n && r.err == nil; i++ {
		k, lo, hi := r.int16(), r.int16(), r.int16()
		apis[k] = apiRange{lo, hi}
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	return apis, code, nil
}

// looksLikeKafka requires the APIs every broker has had since 0.10.
func looksLikeKafka(apis map[int16]apiRange, code int16) bool {
	if code != 0 && code != 35 { // 35 UNSUPPORTED_VERSION still lists the APIs
		return false
	}
	for _, k := range []int16{apiProduce, apiFetch, apiListOffsets, apiMetadata, apiAPIVersions} {
		a, ok := apis[k]
		if !ok || a.min < 0 || a.max < a.min {
			return false
		}
	}
	return true
}

// pick returns the highest version of key in [lo, hi] the broker accepts.
func pick(apis map[int16]apiRange, key, lo, hi int16) (int16, bool) {
	a, ok := apis[key]
	if !ok {
		return 0, false
	}
	v := min(a.max, hi)
	return v, v >= lo && v >= a.min
}
