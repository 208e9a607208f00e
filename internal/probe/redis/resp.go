package redis

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// RESP2 is parsed here rather than with go-redis because a scanner talks to
// hostile servers: go-redis trusts length prefixes (a "$4294967296" bulk or a
// "*2147483647" array makes it allocate or wait forever) and has no depth
// limit for nested arrays. This reader checks every declared length against
// the limits before reading, grows buffers only as bytes actually arrive,
// caps the nesting depth and the number of elements, and counts the bytes of
// each reply.

// Kind is the RESP type byte of a reply.
type Kind byte

const (
	KindSimple  Kind = '+'
	KindError   Kind = '-'
	KindInteger Kind = ':'
	KindBulk    Kind = '$'
	KindArray   Kind = '*'
)

// Value is one parsed reply.
type Value struct {
	Kind  Kind
	Str   []byte  // simple string, error text or bulk payload
	Int   int64   // integer replies
	Array []Value // array elements
	Nil   bool    // $-1 or *-1
}

// String returns the textual payload.
func (v Value) String() string { return string(v.Str) }

// Limits bound one reply.
type Limits struct {
	MaxReply    int64 // bytes of one reply, lines and payloads together
	MaxBulk     int64 // bytes of one bulk string
	MaxElements int   // array elements in one reply, all levels together
	MaxDepth    int   // array nesting
}

const maxLine = 64 << 10 // a type line ("$123\r\n", "+OK\r\n") longer than this is hostile

// Reader reads RESP replies within Limits.
type Reader struct {
	br  *bufio.Reader
	lim Limits
	// per reply
	used     int64
	elements int
}

// NewReader returns a bounded reader over r.
func NewReader(r io.Reader, lim Limits) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, maxLine), lim: lim}
}

// ReadReply reads one complete reply.
func (r *Reader) ReadReply() (Value, error) {
	r.used, r.elements = 0, 0
	return r.read(0)
}

func (r *Reader) charge(n int64) error {
	r.used += n
	if r.used > r.lim.MaxReply {
		return netio.ErrTooLarge
	}
	return nil
}

func (r *Reader) line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, probe.Protocolf("resp: line longer than %d bytes", maxLine)
	}
	if err != nil {
		return nil, err
	}
	if err := r.charge(int64(len(b))); err != nil {
		return nil, err
	}
	if len(b) < 3 || b[len(b)-2] != '\r' {
		return nil, probe.Protocolf("resp: malformed line %q", clip(b))
	}
	return b[:len(b)-2], nil
}

func (r *Reader) read(depth int) (Value, error) {
	b, err := r.line()
	if err != nil {
		return Value{}, err
	}
	k, rest := Kind(b[0]), b[1:]
	switch k {
	case KindSimple, KindError:
		return Value{Kind: k, Str: bytes.Clone(rest)}, nil
	case KindInteger:
		n, err := strconv.ParseInt(string(rest), 10, 64)
		if err != nil {
			return Value{}, probe.Protocolf("resp: bad integer %q", clip(rest))
		}
		return Value{Kind: k, Int: n}, nil
	case KindBulk:
		n, err := length(rest)
		if err != nil || n < 0 {
			return Value{Kind: k, Nil: true}, err
		}
		if n > r.lim.MaxBulk {
			return Value{}, probe.Protocolf("resp: bulk of %d bytes exceeds %d: %v", n, r.lim.MaxBulk, netio.ErrTooLarge)
		}
		if err := r.charge(n + 2); err != nil {
			return Value{}, err
		}
		// Grow as the bytes arrive: a declared length is a claim, not a fact.
		var buf bytes.Buffer
		buf.Grow(int(min(n, 64<<10)))
		if _, err := io.CopyN(&buf, r.br, n+2); err != nil {
			return Value{}, err
		}
		p := buf.Bytes()
		if p[n] != '\r' || p[n+1] != '\n' {
			return Value{}, probe.Protocolf("resp: bulk not terminated by CRLF")
		}
		return Value{Kind: k, Str: p[:n:n]}, nil
	case KindArray:
		n, err := length(rest)
		if err != nil || n < 0 {
			return Value{Kind: k, Nil: true}, err
		}
		if depth >= r.lim.MaxDepth {
			return Value{}, probe.Protocolf("resp: arrays nested deeper than %d", r.lim.MaxDepth)
		}
		if n > int64(r.lim.MaxElements-r.elements) {
			return Value{}, probe.Protocolf("resp: array of %d elements exceeds %d", n, r.lim.MaxElements)
		}
		r.elements += int(n)
		arr := make([]Value, 0, min(n, 1024))
		for range n {
			v, err := r.read(depth + 1)
			if err != nil {
				return Value{}, err
			}
			arr = append(arr, v)
		}
		return Value{Kind: k, Array: arr}, nil
	}
	return Value{}, probe.Protocolf("resp: unknown type byte %q", b[0])
}

// length parses a declared length; -1 is RESP's nil.
func length(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < -1 {
		return 0, probe.Protocolf("resp: bad length %q", clip(b))
	}
	return n, nil
}

// AppendCommand encodes args as a RESP array of bulk strings.
func AppendCommand(dst []byte, args ...string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

func clip(b []byte) []byte { return b[:min(len(b), 40)] }
