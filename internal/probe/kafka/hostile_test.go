package kafka

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// readReq reads one request and returns its api key and correlation id.
func readReq(c net.Conn) (int16, int32, bool) {
	var h [12]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return 0, 0, false
	}
	n := int64(binary.BigEndian.Uint32(h[:4]))
	io.CopyN(io.Discard, c, n-8)
	return int16(binary.BigEndian.Uint16(h[4:])), int32(binary.BigEndian.Uint32(h[8:])), true
}

func respond(c net.Conn, corr int32, body []byte) {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))
	b = binary.BigEndian.AppendUint32(b, uint32(corr))
	c.Write(append(b, body...))
}

// apiVersionsBody lists the core APIs with the versions the probe uses.
func apiVersionsBody() []byte {
	b := []byte{0, 0}
	b = appendInt32(b, 5)
	for _, a := range [][3]int16{{0, 3, 9}, {1, 4, 12}, {2, 1, 7}, {3, 4, 9}, {18, 0, 3}} {
		for _, v := range a {
			b = binary.BigEndian.AppendUint16(b, uint16(v))
		}
	}
	return b
}

// metadataBody is a v4 answer: one broker, one topic "t" with one partition.
func metadataBody() []byte {
	b := appendInt32(nil, 0) // throttle
	b = appendInt32(b, 1)
	b = appendInt32(b, 1)
	b = appendString(b, "h")
	b = appendInt32(b, 9092)
	b = binary.BigEndian.AppendUint16(b, 0xffff) // rack null
	b = appendString(b, "cluster")
	b = appendInt32(b, 1)
	b = appendInt32(b, 1)                             // topics
	b = append(appendString(append(b, 0, 0), "t"), 0) // error, name, internal
	b = appendInt32(b, 1)
	b = append(b, 0, 0)
	b = appendInt32(b, 0)
	b = appendInt32(b, 1)
	b = appendInt32(appendInt32(b, 1), 1)
	return appendInt32(appendInt32(b, 1), 1)
}

// honest answers ApiVersions and Metadata, then hands other requests to h.
func honest(h func(c net.Conn, key int16, corr int32)) func(net.Conn) {
	return func(c net.Conn) {
		for {
			key, corr, ok := readReq(c)
			if !ok {
				return
			}
			switch key {
			case apiAPIVersions:
				respond(c, corr, apiVersionsBody())
			case apiMetadata:
				respond(c, corr, metadataBody())
			default:
				h(c, key, corr)
			}
		}
	}
}

// offsetsBody answers ListOffsets v1 for t/0 with offset off.
func offsetsBody(off int64) []byte {
	b := appendInt32(nil, 1)
	b = appendString(b, "t")
	b = appendInt32(b, 1)
	b = appendInt32(b, 0)
	b = append(b, 0, 0)
	b = appendInt64(b, -1)
	return appendInt64(b, off)
}

func fetchBody(records []byte) []byte {
	b := appendInt32(nil, 0)
	b = appendInt32(b, 1)
	b = appendString(b, "t")
	b = appendInt32(b, 1)
	b = appendInt32(b, 0)
	b = append(b, 0, 0)
	b = appendInt64(b, 10)
	b = appendInt64(b, 10)
	b = appendInt32(b, -1)
	b = appendInt32(b, int32(len(records)))
	return append(b, records...)
}

// batch builds a v2 record batch of values with the given codec.
func batch(codec uint16, values ...[]byte) []byte {
	var recs []byte
	for i, v := range values {
		var r []byte
		r = append(r, 0)
		r = binary.AppendVarint(r, 0)
		r = binary.AppendVarint(r, int64(i))
		r = binary.AppendVarint(r, -1)
		r = binary.AppendVarint(r, int64(len(v)))
		r = append(r, v...)
		r = binary.AppendVarint(r, 0)
		recs = append(binary.AppendVarint(recs, int64(len(r))), r...)
	}
	if codec == 1 {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(recs)
		zw.Close()
		recs = buf.Bytes()
	}
	tail := binary.BigEndian.AppendUint16(nil, codec)             // attributes
	tail = appendInt32(tail, int32(len(values)-1))                // last offset delta
	tail = appendInt64(appendInt64(tail, 1704067200000), 0)       // timestamps
	tail = append(appendInt64(tail, -1), 0xff, 0xff)              // producer id, epoch
	tail = appendInt32(appendInt32(tail, -1), int32(len(values))) // base sequence, count
	tail = append(tail, recs...)
	b := appendInt64(nil, 0)
	b = appendInt32(b, int32(4+1+4+len(tail)))
	b = appendInt32(b, 0)
	b = append(b, 2)
	b = binary.BigEndian.AppendUint32(b, crc32.Checksum(tail, castagnoli))
	return append(b, tail...)
}

func runHostile(t *testing.T, tg probe.Target, l probe.Limits) *event.Event {
	t.Helper()
	return probetest.ExploreHostile(t, New(), l, tg)
}

func TestHostileHugeSize(t *testing.T) {
	tg := fakeBroker(t, func(c net.Conn) {
		readReq(c)
		c.Write([]byte{0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1})
		c.Write(make([]byte, 1<<16))
	})
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s, want too-large; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileSilence(t *testing.T) {
	tg := fakeBroker(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	l := probe.DefaultLimits()
	l.ReadTimeout = 300 * time.Millisecond
	if ev := runHostile(t, tg, l); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s, want timeout; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileLyingArray(t *testing.T) {
	tg := fakeBroker(t, func(c net.Conn) {
		_, corr, _ := readReq(c)
		respond(c, corr, append([]byte{0, 0}, 0x7f, 0xff, 0xff, 0xff, 0, 1, 0, 0, 0, 1))
	})
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileWrongCorrelation(t *testing.T) {
	tg := fakeBroker(t, func(c net.Conn) {
		_, corr, _ := readReq(c)
		respond(c, corr+7, apiVersionsBody())
	})
	if ev := runHostile(t, tg, probe.DefaultLimits()); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s, want protocol-error; errors %v", ev.Status, ev.Errors)
	}
}

// TestHostileGzipBomb: a gzip batch that inflates far past the bound is cut;
// the probe reports what it could, bounded.
func TestHostileGzipBomb(t *testing.T) {
	bomb := batch(1, bytes.Repeat([]byte{'a'}, 64<<20))
	tg := fakeBroker(t, honest(func(c net.Conn, key int16, corr int32) {
		switch key {
		case apiListOffsets:
			respond(c, corr, offsetsBody(0))
		case apiFetch:
			respond(c, corr, fetchBody(bomb))
		}
	}))
	l := probe.DefaultLimits()
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen || len(ev.Errors) == 0 {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if c := ev.Dataset.Containers[0]; c.Sampled != 0 {
		t.Errorf("sampled %d records from a cut batch", c.Sampled)
	}
}

func TestHostileManyRecords(t *testing.T) {
	vals := make([][]byte, 500)
	for i := range vals {
		vals[i] = []byte(`{"n":1}`)
	}
	tg := fakeBroker(t, honest(func(c net.Conn, key int16, corr int32) {
		switch key {
		case apiListOffsets:
			respond(c, corr, offsetsBody(0))
		case apiFetch:
			respond(c, corr, fetchBody(append(batch(0, vals...), batch(0, vals...)...)))
		}
	}))
	l := probe.DefaultLimits()
	l.Sample = 4
	ev := runHostile(t, tg, l)
	if ev.Status != event.StatusOpen || ev.Dataset.Containers[0].Sampled != 4 {
		t.Fatalf("status %s dataset %+v errors %v", ev.Status, ev.Dataset, ev.Errors)
	}
}
