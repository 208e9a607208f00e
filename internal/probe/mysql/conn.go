package mysql

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

const (
	// loginUser and the empty password are the only credentials ever tried:
	// the "root without a password" default of many installations. No other
	// user, no other password.
	loginUser = "root"
	// maxColumns is MySQL's own limit of columns per table.
	maxColumns = 4096
	// greetingWait is how long Identify waits for the greeting. MySQL sends
	// it right after accepting (later only when slow reverse DNS is on).
	greetingWait = 3 * time.Second
	// charsetUTF8MB4 is utf8mb4_general_ci (MySQL ≥ 5.5.3, every MariaDB 10).
	charsetUTF8MB4 = 45
)

// conn is one MySQL session.
type conn struct {
	nc  *netio.Conn
	g   *greeting
	max int64
}

// handshake dials and reads the greeting. The server speaks first; an ERR
// instead of a greeting ("Host is not allowed", "Too many connections") is
// returned as *serverError.
//
// wait bounds the wait for the greeting (0 = ReadTimeout): Identify runs on
// ports of every other service too, most of which stay silent until the
// client speaks, and MySQL greets at once.
func handshake(ctx context.Context, env *probe.Env, t probe.Target, wait time.Duration) (*conn, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	c := &conn{nc: nc, max: env.Limits.MaxResponse}
	if wait > 0 && wait < nc.ReadTimeout {
		defer func(d time.Duration) { nc.ReadTimeout = d }(nc.ReadTimeout)
		nc.ReadTimeout = wait
	}
	_, p, err := readPacket(nc, min(c.max, 16<<10))
	if err != nil {
		nc.Close()
		return nil, err
	}
	if len(p) > 0 && p[0] == 0xff {
		nc.Close()
		se, err := parseError(p)
		if err != nil {
			return nil, err
		}
		return nil, se
	}
	if c.g, err = parseGreeting(p); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// login sends HandshakeResponse41 for root with an empty password and
// follows at most a few auth-switch steps that an empty password can
// answer (an empty response); anything needing a real secret is an
// ErrAuthRequired.
func (c *conn) login() error {
	g := c.g
	if g.caps&clientProtocol41 == 0 {
		return probe.Protocolf("mysql: server %q predates protocol 4.1", g.version)
	}
	want := uint32(clientLongPassword | clientLongFlag | clientProtocol41 | clientTransactions |
		clientSecureConnection | clientPluginAuth | clientConnectAttrs | clientPluginAuthLenenc)
	caps := want & g.caps
	p := make([]byte, 0, 256)
	p = append(p, byte(caps), byte(caps>>8), byte(caps>>16), byte(caps>>24))
	p = append(p, 0, 0, 0, 1) // max packet 16 MB
	p = append(p, charsetUTF8MB4)
	p = append(p, make([]byte, 23)...)
	p = append(append(p, loginUser...), 0)
	p = append(p, 0) // empty auth response (lenenc 0 or 1-byte length 0)
	plugin := g.plugin
	if plugin == "" {
		plugin = "mysql_native_password"
	}
	if caps&clientPluginAuth != 0 {
		p = append(append(p, plugin...), 0)
	}
	if caps&clientConnectAttrs != 0 {
		var attrs []byte
		for _, kv := range [][2]string{{"_client_name", "leakwatch"}, {"program_name", "leakwatch"},
			{"_client_version", probe.UserAgent}, {"_os", runtime.GOOS}} {
			attrs = appendLenencString(appendLenencString(attrs, kv[0]), kv[1])
		}
		p = append(appendLenenc(p, len(attrs)), attrs...)
	}
	seq := byte(1)
	if _, err := c.nc.Write(packet(seq, p)); err != nil {
		return err
	}
	for step := 0; step < 4; step++ {
		s, r, err := readPacket(c.nc, 64<<10)
		if err != nil {
			return err
		}
		seq = s + 1
		if len(r) == 0 {
			return probe.Protocolf("mysql: empty authentication reply")
		}
		switch r[0] {
		case 0x00:
			return nil
		case 0xff:
			se, err := parseError(r)
			if err != nil {
				return err
			}
			return se
		case 0xfe: // auth switch request: plugin name, then its data
			b := buf{b: r[1:]}
			name := b.cstring()
			if !emptyPasswordAnswers(name) {
				return fmt.Errorf("mysql: server asks for %q authentication: %w", name, probe.ErrAuthRequired)
			}
			if _, err := c.nc.Write(packet(seq, nil)); err != nil {
				return err
			}
		case 0x01: // caching_sha2_password: 3 = fast auth ok (OK follows), 4 = full auth
			if len(r) == 2 && r[1] == 3 {
				continue
			}
			return fmt.Errorf("mysql: server requires full password authentication: %w", probe.ErrAuthRequired)
		default:
			return probe.Protocolf("mysql: unexpected authentication reply 0x%02x", r[0])
		}
	}
	return probe.Protocolf("mysql: authentication did not finish")
}

// emptyPasswordAnswers: plugins for which an empty response means "empty
// password". Others (ed25519, PAM dialog, cleartext) would need a secret.
func emptyPasswordAnswers(plugin string) bool {
	return plugin == "mysql_native_password" || plugin == "caching_sha2_password"
}

// result is one text-protocol result set.
type result struct {
	cols []column
	rows [][][]byte
}

// query runs one statement (COM_QUERY) and keeps at most maxRows rows; a
// server error is returned as *serverError with the session still usable.
func (c *conn) query(sql string, maxRows int) (*result, error) {
	if _, err := c.nc.Write(packet(0, append([]byte{0x03}, sql...))); err != nil {
		return nil, err
	}
	_, p, err := readPacket(c.nc, c.max)
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, probe.Protocolf("mysql: empty query reply")
	}
	switch p[0] {
	case 0x00:
		return &result{}, nil
	case 0xff:
		se, err := parseError(p)
		if err != nil {
			return nil, err
		}
		return nil, se
	case 0xfb:
		// LOAD DATA LOCAL INFILE request: a rogue server asking to read the
		// client's files. Never answered.
		return nil, probe.Protocolf("mysql: server requested a local file")
	}
	b := buf{b: p}
	n, _ := b.lenenc()
	if b.err != nil || n == 0 || n > maxColumns || len(b.b) != 0 {
		return nil, probe.Protocolf("mysql: column count %d", n)
	}
	res := &result{cols: make([]column, 0, n)}
	for range n {
		_, p, err := readPacket(c.nc, c.max)
		if err != nil {
			return nil, err
		}
		col, err := parseColumn(p)
		if err != nil {
			return nil, err
		}
		res.cols = append(res.cols, col)
	}
	if _, p, err = readPacket(c.nc, c.max); err != nil {
		return nil, err
	}
	if !isEOF(p) {
		return nil, probe.Protocolf("mysql: no EOF after column definitions")
	}
	for {
		_, p, err := readPacket(c.nc, c.max)
		if err != nil {
			return nil, err
		}
		if isEOF(p) {
			return res, nil
		}
		if len(p) > 0 && p[0] == 0xff {
			se, err := parseError(p)
			if err != nil {
				return nil, err
			}
			return nil, se
		}
		row, err := parseRow(p, len(res.cols))
		if err != nil {
			return nil, err
		}
		if len(res.rows) < maxRows {
			res.rows = append(res.rows, row)
		}
	}
}

// close sends COM_QUIT and closes the connection.
func (c *conn) close() {
	_, _ = c.nc.Write(packet(0, []byte{0x01}))
	c.nc.Close()
}
