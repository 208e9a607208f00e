package memcached

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// The text protocol is read with a small bounded reader rather than a client
// library (gomemcache has no byte or line bounds and no stats/metadump):
// lines are capped, VALUE payload lengths are checked before reading, and the
// bytes of one response are counted.

const maxLine = 16 << 10 // a key is ≤ 250 bytes; metadump and stats lines are short

// ErrUnauthenticated is memcached's answer in -Y (ASCII auth) mode.
var errUnauthenticated = errors.New("memcached: CLIENT_ERROR unauthenticated")

// Reader reads the text protocol within a byte limit per response.
type Reader struct {
	br   *bufio.Reader
	max  int64
	used int64
}

// NewReader returns a reader allowing max bytes per response (Reset between responses).
func NewReader(r io.Reader, max int64) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, maxLine), max: max}
}

// Reset starts a new response.
func (r *Reader) Reset() { r.used = 0 }

func (r *Reader) charge(n int64) error {
	r.used += n
	if r.used > r.max {
		return netio.ErrTooLarge
	}
	return nil
}

// Line reads one CRLF-terminated line without the CRLF.
func (r *Reader) Line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, probe.Protocolf("memcached: line longer than %d bytes", maxLine)
	}
	if err != nil {
		return nil, err
	}
	if err := r.charge(int64(len(b))); err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\r\n")
	if bytes.Equal(b, []byte("CLIENT_ERROR unauthenticated")) {
		return nil, errUnauthenticated
	}
	return b, nil
}

// Item is one VALUE of a get.
type Item struct {
	Key   string
	Flags uint32
	Size  int64 // the item's full size
	Data  []byte
}

// Values reads "VALUE key flags bytes" blocks up to END, keeping at most keep
// bytes of each payload (the rest is read and discarded).
func (r *Reader) Values(keep int) ([]Item, error) {
	var out []Item
	for {
		l, err := r.Line()
		if err != nil {
			return out, err
		}
		if string(l) == "END" {
			return out, nil
		}
		f := bytes.Fields(l)
		if len(f) < 4 || string(f[0]) != "VALUE" {
			return out, probe.Protocolf("memcached: unexpected line %q", clip(l))
		}
		flags, err1 := strconv.ParseUint(string(f[2]), 10, 32)
		n, err2 := strconv.ParseInt(string(f[3]), 10, 64)
		if err1 != nil || err2 != nil || n < 0 {
			return out, probe.Protocolf("memcached: bad VALUE line %q", clip(l))
		}
		if err := r.charge(n + 2); err != nil {
			return out, err
		}
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, r.br, min(n, int64(keep))); err != nil {
			return out, err
		}
		if _, err := io.CopyN(io.Discard, r.br, n-min(n, int64(keep))); err != nil {
			return out, err
		}
		var crlf [2]byte
		if _, err := io.ReadFull(r.br, crlf[:]); err != nil {
			return out, err
		}
		if crlf != [2]byte{'\r', '\n'} {
			return out, probe.Protocolf("memcached: value not terminated by CRLF")
		}
		out = append(out, Item{Key: string(f[1]), Flags: uint32(flags), Size: n, Data: buf.Bytes()})
	}
}

// ParseStats reads "STAT name value" lines up to END.
func (r *Reader) Stats(maxStats int) (map[string]string, error) {
	st := map[string]string{}
	for {
		l, err := r.Line()
		if err != nil {
			return st, err
		}
		if string(l) == "END" {
			return st, nil
		}
		name, val, ok := ParseStatLine(l)
		if !ok {
			return st, probe.Protocolf("memcached: unexpected stats line %q", clip(l))
		}
		if len(st) < maxStats {
			st[name] = val
		}
	}
}

// ParseStatLine splits "STAT name value".
func ParseStatLine(l []byte) (name, val string, ok bool) {
	rest, ok := bytes.CutPrefix(l, []byte("STAT "))
	if !ok {
		return "", "", false
	}
	n, v, _ := bytes.Cut(rest, []byte(" "))
	return string(n), string(v), len(n) > 0
}

func clip(b []byte) []byte { return b[:min(len(b), 40)] }
