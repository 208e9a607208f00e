package clickhouse

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// The native protocol's handshake, written by hand because only the hello
// is needed and a client library would read column blocks and strings of
// any length a hostile server announces. Every string is a UVarInt length
// and bytes; lengths are checked against maxNativeString before reading.

const (
	nativeHello     = 0 // ClientHello / ServerHello
	nativeException = 2 // server: Exception
	nativePing      = 4 // client: Ping (illegal before the hello: ClickHouse answers an Exception)

	// nativeRevision is an old protocol revision every server since 18.x
	// accepts (ClickHouse speaks the lowest revision of both sides).
	nativeRevision = 54060
	// revisionTimezone is the first revision whose ServerHello carries a timezone.
	revisionTimezone = 54058
	// clientMinor is 10 because its varint is the byte '\n': an HTTP server
	// (S3 also listens on 9000) sees the end of a malformed request line and
	// answers 400 at once, instead of waiting out our read timeout.
	clientMinor = 10
	// maxNativeString bounds the exception message; names are bounded tighter.
	maxNativeString = 1 << 20
)

// pingFirst is a Ping before any hello, which ClickHouse refuses with an
// Exception (UNEXPECTED_PACKET_FROM_CLIENT): it identifies the server
// without a login. The CRLF after it, never read by ClickHouse, ends an
// HTTP server's request line (see clientMinor).
var pingFirst = []byte{nativePing, '\r', '\n'}

// clientHello is the ClientHello packet: user with the empty password.
func clientHello(user string) []byte {
	b := binary.AppendUvarint(nil, nativeHello)
	b = appendString(b, "leakwatch")
	b = binary.AppendUvarint(b, 1)           // client version major
	b = binary.AppendUvarint(b, clientMinor) // minor
	b = binary.AppendUvarint(b, nativeRevision)
	b = appendString(b, "") // default database
	b = appendString(b, user)
	return appendString(b, "") // password: empty, the documented default only
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// serverHello is what a ClickHouse server says after a successful login.
type serverHello struct {
	name              string
	major, minor, rev uint64
	timezone          string
}

// nativeError is a ClickHouse Exception packet.
type nativeError struct {
	code          int32
	name, message string
}

// Error codes that mean the login was refused: UNKNOWN_USER,
// WRONG_PASSWORD, REQUIRED_PASSWORD, AUTHENTICATION_FAILED.
func (e *nativeError) isAuth() bool {
	switch e.code {
	case 192, 193, 194, 516:
		return true
	}
	return false
}

// readServerPacket reads one ServerHello or Exception. Anything else (an
// HTTP answer, another protocol) is a protocol error.
func readServerPacket(r *bufio.Reader) (*serverHello, *nativeError, error) {
	typ, err := readUvarint(r)
	if err != nil {
		return nil, nil, err
	}
	switch typ {
	case nativeHello:
		h, err := readServerHello(r)
		return h, nil, err
	case nativeException:
		e, err := readException(r)
		return nil, e, err
	}
	return nil, nil, probe.Protocolf("clickhouse native: packet type %d, want hello or exception", typ)
}

func readServerHello(r *bufio.Reader) (*serverHello, error) {
	var h serverHello
	var err error
	if h.name, err = readString(r, 256); err != nil {
		return nil, err
	}
	for _, p := range []*uint64{&h.major, &h.minor, &h.rev} {
		if *p, err = readUvarint(r); err != nil {
			return nil, err
		}
	}
	if h.rev >= revisionTimezone {
		// Sent because our revision announces it; later fields (display
		// name, patch) are only sent to newer clients.
		if h.timezone, err = readString(r, 256); err != nil {
			return nil, err
		}
	}
	return &h, nil
}

func readException(r *bufio.Reader) (*nativeError, error) {
	var code [4]byte
	if _, err := io.ReadFull(r, code[:]); err != nil {
		return nil, eofIsProtocol(err)
	}
	e := &nativeError{code: int32(binary.LittleEndian.Uint32(code[:]))}
	var err error
	if e.name, err = readString(r, 256); err != nil {
		return nil, err
	}
	if e.message, err = readString(r, maxNativeString); err != nil {
		return nil, err
	}
	// The stack trace and nested-exception flag are not needed: stop here.
	return e, nil
}

// readUvarint reads at most 10 bytes, like binary.ReadUvarint, but keeps
// transport errors (timeout, budget) apart from malformed data.
func readUvarint(r *bufio.Reader) (uint64, error) {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, eofIsProtocol(err)
		}
		if i == binary.MaxVarintLen64-1 && b > 1 {
			break
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, probe.Protocolf("clickhouse native: varint longer than 64 bits")
}

func eofIsProtocol(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return probe.Protocolf("clickhouse native: truncated packet")
	}
	return err
}

// readString reads a UVarInt-prefixed string of at most max bytes.
func readString(r *bufio.Reader, max int) (string, error) {
	n, err := readUvarint(r)
	if err != nil {
		return "", err
	}
	if n > uint64(max) {
		return "", probe.Protocolf("clickhouse native: string of %d bytes (limit %d)", n, max)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", eofIsProtocol(err)
	}
	return string(b), nil
}
