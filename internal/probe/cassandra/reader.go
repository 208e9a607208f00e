package cassandra

import (
	"encoding/binary"
	"strings"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// reader decodes CQL notation ([short], [int], [string], [bytes]...) from a
// body already bounded in size. The first out-of-range length sets err and
// every later read returns zero values, so callers check err once.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = probe.Protocolf("cql: truncated or invalid %s", what)
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

func (r *reader) byte() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) short() int {
	if b := r.take(2); b != nil {
		return int(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *reader) int() int32 {
	if b := r.take(4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (r *reader) string() string { return string(r.take(r.short())) }

// bytes reads [bytes]: an int length, negative meaning null (nil, ok).
func (r *reader) bytes() []byte {
	n := r.int()
	if n < 0 {
		return nil
	}
	return r.take(int(n))
}

// count reads an [int] or [short] count that must fit in what is left,
// given that every element takes at least minSize bytes.
func (r *reader) count(n int, minSize int, what string) int {
	if n < 0 || n*max(minSize, 1) > len(r.b) {
		r.fail(what + " count")
		return 0
	}
	return n
}

func (r *reader) stringList() []string {
	n := r.count(r.short(), 2, "string list")
	out := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.string())
	}
	return out
}

// stringMultimap reads SUPPORTED's [string multimap].
func (r *reader) stringMultimap() map[string][]string {
	n := r.count(r.short(), 4, "multimap")
	m := make(map[string][]string, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.string()
		m[k] = r.stringList()
	}
	return m
}

// clip cuts a server-given string to n bytes of valid UTF-8.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}

// Request bodies.

func putShort(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }

func putString(b []byte, s string) []byte { return append(putShort(b, len(s)), s...) }

func putStringMap(b []byte, kv ...string) []byte {
	b = putShort(b, len(kv)/2)
	for _, s := range kv {
		b = putString(b, s)
	}
	return b
}

// queryBody is a QUERY at consistency ONE with a page size, no values.
func queryBody(cql string, pageSize int) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(cql)))
	b = append(b, cql...)
	b = putShort(b, 0x0001) // consistency ONE
	b = append(b, 0x04)     // flags: page_size
	return binary.BigEndian.AppendUint32(b, uint32(max(pageSize, 1)))
}
