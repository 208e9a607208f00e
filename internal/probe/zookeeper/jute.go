package zookeeper

import (
	"encoding/binary"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// ZooKeeper's wire format is jute: big-endian int32/int64, length-prefixed
// buffers and strings (-1 = null), vectors as a count and elements. The
// official Go client (go-zookeeper/zk) reads frames of any declared length
// and keeps reconnecting in the background, so this package has its own
// tiny encoder/decoder that checks every length against what is left.

// Decoder reads jute values from one frame; the first error sticks.
type Decoder struct {
	b   []byte
	off int
	err error
}

// NewDecoder decodes b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Err returns the first decoding error.
func (d *Decoder) Err() error { return d.err }

func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.err = probe.Protocolf("zookeeper: field of %d bytes overruns the frame (%d left)", n, len(d.b)-d.off)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *Decoder) Int32() int32 {
	p := d.take(4)
	if p == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(p))
}

func (d *Decoder) Int64() int64 {
	p := d.take(8)
	if p == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(p))
}

func (d *Decoder) Bool() bool {
	p := d.take(1)
	return p != nil && p[0] != 0
}

// Buffer reads a length-prefixed byte buffer; -1 is null.
func (d *Decoder) Buffer() []byte {
	n := d.Int32()
	if n == -1 || d.err != nil {
		return nil
	}
	return d.take(int(n))
}

func (d *Decoder) String() string { return string(d.Buffer()) }

// Strings reads a vector of strings, at most max of them.
func (d *Decoder) Strings(max int) []string {
	n := d.Int32()
	if n == -1 || d.err != nil {
		return nil
	}
	// Each element needs at least its 4-byte length: a count the frame cannot hold is a lie.
	if n < 0 || int(n) > (len(d.b)-d.off)/4 {
		d.err = probe.Protocolf("zookeeper: vector of %d elements in %d bytes", n, len(d.b)-d.off)
		return nil
	}
	out := make([]string, 0, min(int(n), max))
	for range n {
		s := d.String()
		if d.err != nil {
			return nil
		}
		if len(out) < max {
			out = append(out, s)
		}
	}
	return out
}

// Stat is a znode's metadata.
type Stat struct {
	Czxid, Mzxid, Ctime, Mtime  int64
	Version, Cversion, Aversion int32
	EphemeralOwner              int64
	DataLength, NumChildren     int32
	Pzxid                       int64
}

func (d *Decoder) Stat() Stat {
	return Stat{Czxid: d.Int64(), Mzxid: d.Int64(), Ctime: d.Int64(), Mtime: d.Int64(),
		Version: d.Int32(), Cversion: d.Int32(), Aversion: d.Int32(), EphemeralOwner: d.Int64(),
		DataLength: d.Int32(), NumChildren: d.Int32(), Pzxid: d.Int64()}
}

// encoder builds one request frame (the 4-byte length is added on send).
type encoder struct{ b []byte }

func (e *encoder) int32(v int32) { e.b = binary.BigEndian.AppendUint32(e.b, uint32(v)) }
func (e *encoder) int64(v int64) { e.b = binary.BigEndian.AppendUint64(e.b, uint64(v)) }
func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}
func (e *encoder) buffer(p []byte) { e.int32(int32(len(p))); e.b = append(e.b, p...) }
func (e *encoder) string(s string) { e.buffer([]byte(s)) }
