package cassandra

import (
	"context"
	"errors"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// driverVersion is leakwatch's version as probe.UserAgent states it
// ("leakwatch/1.2.3 (...)"), sent in STARTUP (the server shows it in
// system_views.clients).
func driverVersion() string {
	first, _, _ := strings.Cut(probe.UserAgent, " ")
	if _, v, ok := strings.Cut(first, "/"); ok && v != "" {
		return v
	}
	return "dev"
}

// conn is one CQL connection: request/response, one stream at a time.
type conn struct {
	c      *netio.Conn
	limit  int64
	stream int16
}

func dial(ctx context.Context, env *probe.Env, t probe.Target) (*conn, error) {
	c, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, limit: env.Limits.MaxResponse}, nil
}

func (c *conn) Close() error { return c.c.Close() }

// roundTrip sends one request and reads its answer. An ERROR frame becomes a
// *serverError; a frame for another stream is a protocol error (leakwatch
// never registers for events, so the server has no reason to send one).
func (c *conn) roundTrip(opcode byte, body []byte) (*frame, *reader, error) {
	c.stream = (c.stream + 1) & 0x7fff
	if err := writeFrame(c.c, c.stream, opcode, body); err != nil {
		return nil, nil, err
	}
	f, err := readFrame(c.c, c.limit)
	if err != nil {
		return nil, nil, err
	}
	if f.stream != c.stream {
		return nil, nil, probe.Protocolf("cql: answer on stream %d, asked on %d", f.stream, c.stream)
	}
	r, err := f.payload()
	if err != nil {
		return nil, nil, err
	}
	if f.opcode == opError {
		return f, nil, parseError(r)
	}
	return f, r, nil
}

// supported is what OPTIONS tells about the server.
type supported struct {
	cqlVersions []string
	protocols   []string
	product     string
	scylla      bool
	oldProtocol bool // the server refused v4: it is older (protocol v1-v3)
}

// options sends OPTIONS, the one request a server answers before STARTUP.
func (c *conn) options() (*supported, error) {
	f, r, err := c.roundTrip(opOptions, nil)
	var se *serverError
	if errors.As(err, &se) && f != nil && f.version&0x7f < protoV4 && strings.Contains(strings.ToLower(se.Msg), "protocol version") {
		return &supported{oldProtocol: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if f.opcode != opSupported {
		return nil, probe.Protocolf("cql: OPTIONS answered with opcode %#x", f.opcode)
	}
	m := r.stringMultimap()
	if r.err != nil {
		return nil, r.err
	}
	s := &supported{cqlVersions: m["CQL_VERSION"], protocols: m["PROTOCOL_VERSIONS"]}
	if len(s.cqlVersions) == 0 {
		return nil, probe.Protocolf("cql: SUPPORTED without CQL_VERSION")
	}
	if p := m["PRODUCT_TYPE"]; len(p) > 0 {
		s.product = clip(p[0], 64)
	}
	for k := range m {
		if strings.HasPrefix(k, "SCYLLA_") {
			s.scylla = true
		}
	}
	return s, nil
}

// startup opens the session. It returns the authenticator's class when the
// server demands credentials (which leakwatch never sends).
func (c *conn) startup() (authenticator string, err error) {
	body := putStringMap(nil, "CQL_VERSION", "3.0.0", "DRIVER_NAME", "leakwatch", "DRIVER_VERSION", driverVersion())
	f, r, err := c.roundTrip(opStartup, body)
	if err != nil {
		return "", err
	}
	switch f.opcode {
	case opReady:
		return "", nil
	case opAuthenticate:
		a := clip(r.string(), 200)
		if r.err != nil {
			return "", r.err
		}
		return a, nil
	}
	return "", probe.Protocolf("cql: STARTUP answered with opcode %#x", f.opcode)
}

// query runs one CQL statement and returns at most maxRows rows.
func (c *conn) query(cql string, maxRows int) (*rows, error) {
	f, r, err := c.roundTrip(opQuery, queryBody(cql, maxRows))
	if err != nil {
		return nil, err
	}
	if f.opcode != opResult {
		return nil, probe.Protocolf("cql: QUERY answered with opcode %#x", f.opcode)
	}
	return parseResult(r, maxRows)
}
