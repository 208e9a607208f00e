package postgres

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// This is a small reader/writer of the PostgreSQL v3 frontend/backend
// protocol, written here rather than taken from pgx/pgproto3 because every
// length a hostile server sends must be checked against our limit before a
// buffer is allocated, and the probe only needs startup, the simple query
// protocol and Terminate.

// protocolVersion is 3.0, the only version spoken since PostgreSQL 7.4.
const protocolVersion = 196608

// Authentication request codes (the Int32 after an 'R' message).
const (
	authOK        = 0
	authKerberos  = 2
	authCleartext = 3
	authMD5       = 5
	authGSS       = 7
	authSSPI      = 9
	authSASL      = 10
)

// authName names an authentication request for proofs and errors.
func authName(code uint32) string {
	switch code {
	case authOK:
		return "none (trust)"
	case authKerberos:
		return "Kerberos V5"
	case authCleartext:
		return "cleartext password"
	case authMD5:
		return "MD5 password"
	case authGSS:
		return "GSSAPI"
	case authSSPI:
		return "SSPI"
	case authSASL:
		return "SASL"
	}
	return fmt.Sprintf("unknown method %d", code)
}

// message is one backend message: a type byte and its body.
type message struct {
	typ  byte
	body []byte
}

// readMessage reads one backend message, refusing a declared length above max
// before allocating anything.
func readMessage(r io.Reader, max int64) (message, error) {
	var hdr [5]byte
	if err := netio.ReadFull(r, hdr[:]); err != nil {
		return message{}, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[1:]))
	if n < 4 {
		return message{}, probe.Protocolf("postgres: message %q declares length %d", hdr[0], n)
	}
	if n-4 > max {
		return message{}, fmt.Errorf("postgres: message %q of %d bytes: %w", hdr[0], n, netio.ErrTooLarge)
	}
	body := make([]byte, n-4)
	if err := netio.ReadFull(r, body); err != nil {
		return message{}, err
	}
	return message{typ: hdr[0], body: body}, nil
}

// startupMessage builds the StartupMessage with the given parameters.
func startupMessage(params [][2]string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0, 0})
	_ = binary.Write(&b, binary.BigEndian, uint32(protocolVersion))
	for _, p := range params {
		b.WriteString(p[0])
		b.WriteByte(0)
		b.WriteString(p[1])
		b.WriteByte(0)
	}
	b.WriteByte(0)
	out := b.Bytes()
	binary.BigEndian.PutUint32(out, uint32(len(out)))
	return out
}

// frontendMessage builds a typed frontend message ('Q' query, 'X' terminate).
func frontendMessage(typ byte, body []byte) []byte {
	out := make([]byte, 5, 5+len(body))
	out[0] = typ
	binary.BigEndian.PutUint32(out[1:], uint32(4+len(body)))
	return append(out, body...)
}

func queryMessage(sql string) []byte { return frontendMessage('Q', append([]byte(sql), 0)) }

// reader walks a message body; every read is bounds-checked.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = probe.Protocolf("postgres: truncated %s", what)
	}
}

func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.fail("int32")
		r.b = nil
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.fail("int16")
		r.b = nil
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

func (r *reader) cstring() string {
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		r.fail("string")
		r.b = nil
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail("field")
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// parseAuth returns the authentication request code of an 'R' message and,
// for SASL, the offered mechanisms.
func parseAuth(body []byte) (uint32, []string, error) {
	r := reader{b: body}
	code := r.u32()
	var mechs []string
	if code == authSASL {
		for len(r.b) > 0 && r.b[0] != 0 && len(mechs) < 16 {
			mechs = append(mechs, r.cstring())
		}
	}
	if r.err != nil {
		return 0, nil, r.err
	}
	switch code {
	case authOK, authKerberos, authCleartext, authMD5, authGSS, authSSPI, authSASL,
		6, 8, 11, 12: // SCM credential, GSS continue, SASL continue/final
	default:
		return 0, nil, probe.Protocolf("postgres: unknown authentication request %d", code)
	}
	return code, mechs, nil
}

// serverError is an ErrorResponse ('E') or NoticeResponse ('N').
type serverError struct {
	Severity, Code, Message string
}

func (e *serverError) Error() string {
	return fmt.Sprintf("postgres: %s %s: %s", e.Severity, e.Code, e.Message)
}

// parseError parses the fields of an ErrorResponse. A well-formed one has a
// severity and a five-character SQLSTATE, which is also how Identify tells
// PostgreSQL from something that merely sent an 'E'.
func parseError(body []byte) (*serverError, error) {
	r := reader{b: body}
	e := &serverError{}
	for i := 0; len(r.b) > 0 && r.b[0] != 0; i++ {
		if i > 64 {
			return nil, probe.Protocolf("postgres: too many error fields")
		}
		f := r.b[0]
		r.b = r.b[1:]
		v := r.cstring()
		switch f {
		case 'S':
			e.Severity = v
		case 'C':
			e.Code = v
		case 'M':
			e.Message = v
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if e.Severity == "" || len(e.Code) != 5 {
		return nil, probe.Protocolf("postgres: malformed error response")
	}
	return e, nil
}

// parseRowDescription returns the column names of a RowDescription ('T').
func parseRowDescription(body []byte, maxCols int) ([]string, error) {
	r := reader{b: body}
	n := int(r.u16())
	if n > maxCols || n*19 > len(body) {
		return nil, probe.Protocolf("postgres: row description declares %d columns", n)
	}
	cols := make([]string, 0, n)
	for range n {
		cols = append(cols, r.cstring())
		r.bytes(18) // table oid, attnum, type oid, size, modifier, format
	}
	return cols, r.err
}

// parseDataRow returns the text values of a DataRow ('D'); nil means NULL.
func parseDataRow(body []byte, maxCols int) ([]*string, error) {
	r := reader{b: body}
	n := int(r.u16())
	if n > maxCols || n*4 > len(body) {
		return nil, probe.Protocolf("postgres: data row declares %d columns", n)
	}
	vals := make([]*string, 0, n)
	for range n {
		l := int32(r.u32())
		if l == -1 {
			vals = append(vals, nil)
			continue
		}
		v := string(r.bytes(int(l)))
		vals = append(vals, &v)
	}
	if r.err == nil && len(r.b) != 0 {
		return nil, probe.Protocolf("postgres: %d stray bytes after data row", len(r.b))
	}
	return vals, r.err
}

// parseParameterStatus returns the name and value of a ParameterStatus ('S').
func parseParameterStatus(body []byte) (string, string, error) {
	r := reader{b: body}
	k, v := r.cstring(), r.cstring()
	return k, v, r.err
}

// quoteIdent quotes an SQL identifier: "a""b".
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
