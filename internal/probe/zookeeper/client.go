package zookeeper

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Operation codes (zookeeper.ZooDefs.OpCode) leakwatch uses: all reads,
// plus closeSession to end its own session politely.
const (
	opGetData             = 4
	opGetChildren         = 8
	opGetAllChildrenCount = 104
	opCloseSession        = -11
)

// Error codes (KeeperException.Code) leakwatch tells apart.
const (
	errOK                  = 0
	errUnimplemented       = -6
	errNoNode              = -101
	errNoAuth              = -102
	errAuthFailed          = -115
	errSessionRequiresAuth = -124 // enforce.auth.enabled: session closed, authenticate first
)

// KeeperError is a non-zero error code in a reply header.
type KeeperError struct {
	Code int32
	Path string
}

func (e *KeeperError) Error() string {
	return fmt.Sprintf("zookeeper: %s: error code %d", e.Path, e.Code)
}

// Unwrap maps the codes that mean "authenticate first" to probe.ErrAuthRequired.
func (e *KeeperError) Unwrap() error {
	switch e.Code {
	case errNoAuth, errAuthFailed, errSessionRequiresAuth:
		return probe.ErrAuthRequired
	}
	return nil
}

type client struct {
	nc       *netio.Conn
	maxFrame int64
	xid      int32
	session  int64
}

// connect opens a read-only session. The handshake is a ConnectRequest
// (protocol 0, no previous zxid or session, read-only allowed) and a
// ConnectResponse with the session id.
func connect(ctx context.Context, env *probe.Env, t probe.Target) (*client, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	c := &client{nc: nc, maxFrame: min(env.Limits.MaxResponse, 16<<20)}
	var e encoder
	e.int32(0)     // protocolVersion
	e.int64(0)     // lastZxidSeen
	e.int32(10000) // session timeout (ms): short, the session is ours only briefly
	e.int64(0)     // sessionId
	e.buffer(make([]byte, 16))
	e.bool(true) // readOnly: fine with a read-only server, irrelevant otherwise
	if err := c.send(e.b); err != nil {
		nc.Close()
		return nil, err
	}
	f, err := c.frame()
	if err != nil {
		nc.Close()
		return nil, err
	}
	d := NewDecoder(f)
	proto, timeout := d.Int32(), d.Int32()
	c.session = d.Int64()
	_ = d.Buffer()
	if d.Err() != nil || proto != 0 || timeout <= 0 {
		nc.Close()
		return nil, probe.Protocolf("zookeeper: not a ConnectResponse (protocol %d, timeout %d)", proto, timeout)
	}
	return c, nil
}

func (c *client) send(payload []byte) error {
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	_, err := c.nc.Write(append(frame, payload...))
	return err
}

// frame reads one length-prefixed frame, checking the length first and
// growing the buffer only as bytes arrive.
func (c *client) frame() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(c.nc, hdr[:]); err != nil {
		return nil, err
	}
	n := int64(int32(binary.BigEndian.Uint32(hdr[:])))
	if n < 0 || n > c.maxFrame {
		return nil, probe.Protocolf("zookeeper: frame of %d bytes (limit %d): %v", n, c.maxFrame, netio.ErrTooLarge)
	}
	var buf bytes.Buffer
	buf.Grow(int(min(n, 64<<10)))
	if _, err := io.CopyN(&buf, c.nc, n); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// call sends one request and returns the decoder positioned after the reply header.
func (c *client) call(op int32, path string, body func(*encoder)) (*Decoder, error) {
	c.xid++
	var e encoder
	e.int32(c.xid)
	e.int32(op)
	if body != nil {
		body(&e)
	}
	if err := c.send(e.b); err != nil {
		return nil, err
	}
	for skipped := 0; ; skipped++ {
		f, err := c.frame()
		if err != nil {
			return nil, err
		}
		d := NewDecoder(f)
		xid, _, code := d.Int32(), d.Int64(), d.Int32()
		if d.Err() != nil {
			return nil, d.Err()
		}
		if xid != c.xid { // watch events (-1) and pings (-2) are not ours; we set no watches
			if skipped > 16 {
				return nil, probe.Protocolf("zookeeper: no reply to xid %d", c.xid)
			}
			continue
		}
		if code != errOK {
			return nil, &KeeperError{Code: code, Path: path}
		}
		return d, nil
	}
}

func pathWatch(path string) func(*encoder) {
	return func(e *encoder) { e.string(path); e.bool(false) }
}

// children lists a znode's children (getChildren, no watch).
func (c *client) children(path string, max int) ([]string, error) {
	d, err := c.call(opGetChildren, path, pathWatch(path))
	if err != nil {
		return nil, err
	}
	kids := d.Strings(max)
	return kids, d.Err()
}

// data reads a znode's data and stat (getData, no watch).
func (c *client) data(path string) ([]byte, Stat, error) {
	d, err := c.call(opGetData, path, pathWatch(path))
	if err != nil {
		return nil, Stat{}, err
	}
	b := d.Buffer()
	st := d.Stat()
	return b, st, d.Err()
}

// descendants counts the znodes below path (getAllChildrenNumber, 3.6+).
func (c *client) descendants(path string) (int64, error) {
	d, err := c.call(opGetAllChildrenCount, path, func(e *encoder) { e.string(path) })
	if err != nil {
		return 0, err
	}
	n := d.Int32()
	if d.Err() == nil && n < 0 {
		return 0, probe.Protocolf("zookeeper: negative count %d", n)
	}
	return int64(n), d.Err()
}

// close ends the session (closeSession) so the server frees it now rather
// than after the session timeout, then closes the connection.
func (c *client) close() {
	c.xid++
	var e encoder
	e.int32(c.xid)
	e.int32(opCloseSession)
	_ = c.send(e.b)
	_, _ = c.frame()
	c.nc.Close()
}
