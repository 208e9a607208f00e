package kafka

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// The Kafka protocol is size-prefixed request/response. It is spoken here by
// hand, not with a client library (sarama, franz-go), because those trust
// the declared sizes and array counts, connect to every broker the cluster
// advertises and may create topics; this code reads bounded frames from the
// target only and uses old, non-flexible request versions that every broker
// since 0.10 (and 4.x, after KIP-896) still accepts.

const (
	apiProduce     = 0
	apiFetch       = 1
	apiListOffsets = 2
	apiMetadata    = 3
	apiSaslHandsh  = 17
	apiAPIVersions = 18

	clientID = "leakwatch"
)

// request encodes a request header (v1: key, version, correlation id,
// client id) and body, size-prefixed.
func request(key, version int16, corr int32, body []byte) []byte {
	b := make([]byte, 4, 4+10+len(clientID)+len(body))
	b = binary.BigEndian.AppendUint16(b, uint16(key))
	b = binary.BigEndian.AppendUint16(b, uint16(version))
	b = binary.BigEndian.AppendUint32(b, uint32(corr))
	b = appendString(b, clientID)
	b = append(b, body...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// readResponse reads one size-prefixed response of at most limit bytes and
// checks its correlation id.
func readResponse(r io.Reader, corr int32, limit int64) (*reader, error) {
	var h [8]byte
	if err := netio.ReadFull(r, h[:4]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(h[:4]))
	if n < 4 {
		return nil, probe.Protocolf("kafka: response size %d", n)
	}
	if int64(n) > limit {
		return nil, fmt.Errorf("kafka response of %d bytes: %w", n, netio.ErrTooLarge)
	}
	b := make([]byte, n)
	if err := netio.ReadFull(r, b); err != nil {
		return nil, err
	}
	if got := int32(binary.BigEndian.Uint32(b)); got != corr {
		return nil, probe.Protocolf("kafka: correlation id %d, want %d", got, corr)
	}
	return &reader{b: b[4:]}, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

func appendInt32(b []byte, v int32) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }
func appendInt64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

// reader decodes a bounded response body. The first out-of-range length sets
// err; later reads return zero values, so callers check err once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = probe.Protocolf("kafka: truncated or invalid %s", what)
	}
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.fail("field")
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) int8() int8 {
	if b := r.take(1); b != nil {
		return int8(b[0])
	}
	return 0
}

func (r *reader) int16() int16 {
	if b := r.take(2); b != nil {
		return int16(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *reader) int32() int32 {
	if b := r.take(4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (r *reader) int64() int64 {
	if b := r.take(8); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

// string reads a (nullable) int16-prefixed string; null reads as "".
func (r *reader) string() string {
	n := int(r.int16())
	if n == -1 {
		return ""
	}
	return string(r.take(n))
}

// bytes reads nullable int32-prefixed bytes.
func (r *reader) bytes() []byte {
	n := int(r.int32())
	if n == -1 {
		return nil
	}
	return r.take(n)
}

// array reads an array count (null = 0) and checks that count elements of at
// least minSize bytes each fit in what is left, so no loop outruns the body.
func (r *reader) array(minSize int, what string) int {
	n := int(r.int32())
	if n == -1 || r.err != nil {
		return 0
	}
	if n < 0 || n > len(r.b)/max(minSize, 1) {
		r.fail(what + " count")
		return 0
	}
	return n
}

// varint reads a zigzag varint (record fields), at most 10 bytes.
func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}
