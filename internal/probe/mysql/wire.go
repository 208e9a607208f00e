package mysql

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// A small reader/writer of the MySQL client/server protocol (handshake v10,
// protocol 4.1 text results). go-sql-driver/mysql would do, but its packet
// reader grows a buffer to whatever length a server declares and it
// supports LOAD DATA LOCAL INFILE requests from the server; this reader
// checks every length against our limit first and never reads local files.

const (
	clientLongPassword     = 1 << 0
	clientLongFlag         = 1 << 2
	clientConnectWithDB    = 1 << 3
	clientProtocol41       = 1 << 9
	clientTransactions     = 1 << 13
	clientSecureConnection = 1 << 15
	clientMultiResults     = 1 << 17
	clientPluginAuth       = 1 << 19
	clientConnectAttrs     = 1 << 20
	clientPluginAuthLenenc = 1 << 21

	maxPacket = 1<<24 - 1 // a payload of this size continues in the next packet
)

// readPacket reads one logical packet (joining 16 MB continuations) whose
// payload may not exceed max bytes; it returns the last sequence id.
func readPacket(r io.Reader, max int64) (byte, []byte, error) {
	var out []byte
	for {
		var hdr [4]byte
		if err := netio.ReadFull(r, hdr[:]); err != nil {
			return 0, nil, err
		}
		n := int64(hdr[0]) | int64(hdr[1])<<8 | int64(hdr[2])<<16
		if int64(len(out))+n > max {
			return 0, nil, fmt.Errorf("mysql: packet of %d+ bytes: %w", int64(len(out))+n, netio.ErrTooLarge)
		}
		start := len(out)
		out = append(out, make([]byte, n)...)
		if err := netio.ReadFull(r, out[start:]); err != nil {
			return 0, nil, err
		}
		if n < maxPacket {
			return hdr[3], out, nil
		}
	}
}

// packet frames a payload (always shorter than 16 MB here) with seq.
func packet(seq byte, payload []byte) []byte {
	n := len(payload)
	return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq}, payload...)
}

// buf walks a payload; every read is bounds-checked.
type buf struct {
	b   []byte
	err error
}

func (b *buf) fail() {
	if b.err == nil {
		b.err = probe.Protocolf("mysql: truncated packet")
	}
	b.b = nil
}

func (b *buf) n(k int) []byte {
	if k < 0 || k > len(b.b) {
		b.fail()
		return nil
	}
	v := b.b[:k]
	b.b = b.b[k:]
	return v
}

func (b *buf) u8() byte {
	v := b.n(1)
	if v == nil {
		return 0
	}
	return v[0]
}

func (b *buf) u16() uint16 {
	v := b.n(2)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(v)
}

func (b *buf) u32() uint32 {
	v := b.n(4)
	if v == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(v)
}

func (b *buf) cstring() string {
	i := bytes.IndexByte(b.b, 0)
	if i < 0 {
		b.fail()
		return ""
	}
	s := string(b.b[:i])
	b.b = b.b[i+1:]
	return s
}

// lenenc reads a length-encoded integer; null is true for 0xFB (SQL NULL).
func (b *buf) lenenc() (v uint64, null bool) {
	c := b.u8()
	switch {
	case c < 0xfb:
		return uint64(c), false
	case c == 0xfb:
		return 0, true
	case c == 0xfc:
		return uint64(b.u16()), false
	case c == 0xfd:
		x := b.n(3)
		if x == nil {
			return 0, false
		}
		return uint64(x[0]) | uint64(x[1])<<8 | uint64(x[2])<<16, false
	case c == 0xfe:
		x := b.n(8)
		if x == nil {
			return 0, false
		}
		return binary.LittleEndian.Uint64(x), false
	}
	b.fail() // 0xff is not a length
	return 0, false
}

// lenencBytes reads a length-encoded string; nil with null for SQL NULL.
func (b *buf) lenencBytes() (v []byte, null bool) {
	n, null := b.lenenc()
	if null || b.err != nil {
		return nil, null
	}
	if n > uint64(len(b.b)) {
		b.fail()
		return nil, false
	}
	return b.n(int(n)), false
}

func appendLenenc(dst []byte, n int) []byte {
	switch {
	case n < 0xfb:
		return append(dst, byte(n))
	case n < 1<<16:
		return append(dst, 0xfc, byte(n), byte(n>>8))
	default:
		return append(dst, 0xfd, byte(n), byte(n>>8), byte(n>>16))
	}
}

func appendLenencString(dst []byte, s string) []byte { return append(appendLenenc(dst, len(s)), s...) }

// greeting is the server's initial handshake packet (protocol v10).
type greeting struct {
	version  string
	connID   uint32
	caps     uint32
	authData []byte
	plugin   string
}

// parseGreeting parses and strictly validates a v10 handshake, which is how
// Identify tells MySQL/MariaDB apart from anything else that talks first.
func parseGreeting(p []byte) (*greeting, error) {
	b := buf{b: p}
	if v := b.u8(); v != 10 {
		return nil, probe.Protocolf("mysql: handshake protocol version %d", v)
	}
	g := &greeting{version: b.cstring()}
	if g.version == "" || len(g.version) > 120 || strings.IndexFunc(g.version, notPrintable) >= 0 {
		return nil, probe.Protocolf("mysql: implausible server version")
	}
	g.connID = b.u32()
	g.authData = append([]byte(nil), b.n(8)...)
	if b.u8() != 0 {
		return nil, probe.Protocolf("mysql: handshake filler is not zero")
	}
	g.caps = uint32(b.u16())
	if b.err != nil {
		return nil, b.err
	}
	if len(b.b) == 0 { // pre-4.1 servers end here
		return g, nil
	}
	b.u8()  // character set
	b.u16() // status flags
	g.caps |= uint32(b.u16()) << 16
	authLen := int(b.u8())
	b.n(10) // reserved (MariaDB: extended capabilities)
	if g.caps&clientSecureConnection != 0 {
		g.authData = append(g.authData, b.n(max(13, authLen-8))...)
		if n := len(g.authData); n > 0 && g.authData[n-1] == 0 {
			g.authData = g.authData[:n-1]
		}
	}
	if g.caps&clientPluginAuth != 0 && len(b.b) > 0 {
		if i := bytes.IndexByte(b.b, 0); i >= 0 {
			g.plugin = string(b.b[:i])
		} else {
			g.plugin = string(b.b) // some servers omit the final NUL
		}
	}
	return g, b.err
}

func notPrintable(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) }

// serverError is an ERR packet.
type serverError struct {
	Code    uint16
	State   string
	Message string
}

func (e *serverError) Error() string {
	return fmt.Sprintf("mysql: error %d (%s): %s", e.Code, e.State, e.Message)
}

// Unwrap: access denied errors mean the server wants credentials.
func (e *serverError) Unwrap() error {
	if accessDenied(e.Code) {
		return probe.ErrAuthRequired
	}
	return nil
}

// accessDenied: ER_DBACCESS_DENIED 1044, ER_ACCESS_DENIED 1045, host not
// allowed 1130, ER_ACCESS_DENIED_NO_PASSWORD 1698, plugin required 1251.
func accessDenied(code uint16) bool {
	switch code {
	case 1044, 1045, 1130, 1251, 1698:
		return true
	}
	return false
}

// parseError parses an ERR packet (0xFF); the SQL state is optional
// (absent before the handshake completes).
func parseError(p []byte) (*serverError, error) {
	b := buf{b: p}
	if b.u8() != 0xff {
		return nil, probe.Protocolf("mysql: not an error packet")
	}
	e := &serverError{Code: b.u16()}
	if len(b.b) > 0 && b.b[0] == '#' {
		b.n(1)
		e.State = string(b.n(5))
	}
	if b.err != nil {
		return nil, b.err
	}
	e.Message = string(b.b)
	if len(e.Message) > 300 {
		e.Message = e.Message[:300]
	}
	if e.Code < 1000 || e.Code > 9999 {
		return nil, probe.Protocolf("mysql: error code %d", e.Code)
	}
	return e, nil
}

// isEOF reports an EOF packet (0xFE and shorter than 9 bytes).
func isEOF(p []byte) bool { return len(p) > 0 && p[0] == 0xfe && len(p) < 9 }

// column is the part of a column definition the probe uses.
type column struct {
	name    string
	typ     byte
	charset uint16
}

// parseColumn parses a protocol-4.1 column definition.
func parseColumn(p []byte) (column, error) {
	b := buf{b: p}
	for range 4 { // catalog, schema, table, org_table
		b.lenencBytes()
	}
	name, _ := b.lenencBytes()
	b.lenencBytes() // org_name
	b.lenenc()      // length of the fixed fields (0x0c)
	c := column{name: string(name), charset: b.u16()}
	b.u32() // column length
	c.typ = b.u8()
	return c, b.err
}

// parseRow parses a text-protocol row of n columns; nil means NULL.
func parseRow(p []byte, n int) ([][]byte, error) {
	b := buf{b: p}
	row := make([][]byte, 0, n)
	for range n {
		v, null := b.lenencBytes()
		if b.err != nil {
			return nil, b.err
		}
		if null {
			row = append(row, nil)
		} else {
			row = append(row, append([]byte{}, v...))
		}
	}
	if len(b.b) != 0 {
		return nil, probe.Protocolf("mysql: %d stray bytes after row", len(b.b))
	}
	return row, nil
}

// quoteIdent quotes an identifier with backticks: `a“b`.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }
