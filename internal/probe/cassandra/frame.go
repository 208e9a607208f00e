package cassandra

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// The CQL native protocol (v4) is framed: a 9-byte header (version, flags,
// stream, opcode, body length) and a body. It is read here by hand, not with
// a driver (gocql), because a driver trusts the declared body length and
// negotiates, retries and discovers peers on its own; this reader checks the
// length against a limit before allocating and talks to the target only.

const (
	protoV4       = 0x04
	responseBit   = 0x80
	headerLen     = 9
	maxFrameLimit = 256 << 20 // the protocol's own cap on a frame body

	opError        = 0x00
	opStartup      = 0x01
	opReady        = 0x02
	opAuthenticate = 0x03
	opOptions      = 0x05
	opSupported    = 0x06
	opQuery        = 0x07
	opResult       = 0x08

	flagCompressed = 0x01
	flagTracing    = 0x02
	flagPayload    = 0x04
	flagWarning    = 0x08
)

// frame is one decoded response frame.
type frame struct {
	version byte
	flags   byte
	stream  int16
	opcode  byte
	body    []byte
}

// writeFrame sends one request frame.
func writeFrame(w io.Writer, stream int16, opcode byte, body []byte) error {
	b := make([]byte, headerLen, headerLen+len(body))
	b[0] = protoV4
	binary.BigEndian.PutUint16(b[2:], uint16(stream))
	b[4] = opcode
	binary.BigEndian.PutUint32(b[5:], uint32(len(body)))
	_, err := w.Write(append(b, body...))
	return err
}

// readFrame reads one response frame whose body is at most limit bytes.
func readFrame(r io.Reader, limit int64) (*frame, error) {
	var h [headerLen]byte
	if err := netio.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	f, n, err := parseHeader(h[:])
	if err != nil {
		return nil, err
	}
	if int64(n) > min(limit, maxFrameLimit) {
		return nil, fmt.Errorf("cql frame body of %d bytes: %w", n, netio.ErrTooLarge)
	}
	f.body = make([]byte, n)
	if err := netio.ReadFull(r, f.body); err != nil {
		return nil, err
	}
	return f, nil
}

// parseHeader checks the fixed header: a response of any protocol version
// (old servers answer a v4 request in their own version), a known opcode.
func parseHeader(h []byte) (*frame, uint32, error) {
	f := &frame{version: h[0], flags: h[1], stream: int16(binary.BigEndian.Uint16(h[2:])), opcode: h[4]}
	n := binary.BigEndian.Uint32(h[5:])
	if f.version&responseBit == 0 || f.version&0x7f < 1 || f.version&0x7f > 6 {
		return nil, 0, probe.Protocolf("not a CQL response (version byte %#x)", h[0])
	}
	if f.opcode > 0x10 {
		return nil, 0, probe.Protocolf("unknown CQL opcode %#x", f.opcode)
	}
	return f, n, nil
}

// payload returns the body after the optional tracing id, warnings and
// custom payload that precede it when the frame's flags say so.
func (f *frame) payload() (*reader, error) {
	if f.flags&flagCompressed != 0 {
		return nil, probe.Protocolf("compressed CQL frame, none was negotiated")
	}
	r := &reader{b: f.body}
	if f.flags&flagTracing != 0 {
		r.take(16)
	}
	if f.flags&flagWarning != 0 {
		r.stringList()
	}
	if f.flags&flagPayload != 0 {
		n := r.short()
		for i := 0; i < n && r.err == nil; i++ {
			r.string()
			r.bytes()
		}
	}
	return r, r.err
}

// serverError is a CQL ERROR frame.
type serverError struct {
	Code uint32
	Msg  string
}

func (e *serverError) Error() string { return fmt.Sprintf("cql error %#04x: %s", e.Code, e.Msg) }

// Unwrap maps authentication and authorization errors to ErrAuthRequired.
func (e *serverError) Unwrap() error {
	switch e.Code {
	case 0x0100, 0x2100: // bad credentials, unauthorized
		return probe.ErrAuthRequired
	}
	return nil
}

func parseError(r *reader) error {
	code := uint32(r.int())
	msg := r.string()
	if r.err != nil {
		return r.err
	}
	return &serverError{Code: code, Msg: clip(msg, 300)}
}
