package kafka

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// fetchRequest (v4) reads one partition from offset, read-uncommitted, no wait.
func fetchRequest(topic string, partition int32, offset int64, maxBytes int32) []byte {
	b := appendInt32(nil, -1) // replica_id: a consumer
	b = appendInt32(b, 0)     // max_wait_ms
	b = appendInt32(b, 1)     // min_bytes
	b = appendInt32(b, maxBytes)
	b = append(b, 0) // isolation_level READ_UNCOMMITTED
	b = appendInt32(b, 1)
	b = appendString(b, topic)
	b = appendInt32(b, 1)
	b = appendInt32(b, partition)
	b = appendInt64(b, offset)
	return appendInt32(b, maxBytes)
}

// parseFetch (v4) returns the record bytes of the first partition answered
// and its error code.
func parseFetch(r *reader) ([]byte, int16, error) {
	r.int32() // throttle_time_ms
	nt := r.array(6, "topic")
	for i := 0; i < nt && r.err == nil; i++ {
		r.string()
		np := r.array(30, "partition")
		for j := 0; j < np && r.err == nil; j++ {
			r.int32()
			code := r.int16()
			r.int64() // high watermark
			r.int64() // last stable offset
			na := r.array(16, "aborted transaction")
			r.take(16 * na)
			recs := r.bytes()
			if r.err == nil {
				return recs, code, nil
			}
		}
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	return nil, 0, probe.Protocolf("kafka: fetch answered no partition")
}

// record is one sampled message.
type record struct {
	offset int64
	time   time.Time
	key    []byte
	value  []byte
}

// recordLimits bound record decoding.
type recordLimits struct {
	max       int // records kept
	inflate   int // bytes a compressed batch may inflate to
	valueSize int // bytes kept per value
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// parseRecords decodes v2 record batches (magic 2). Uncompressed and gzip
// batches are read; other codecs (snappy, lz4, zstd), control batches and
// the old message formats (magic 0/1) are skipped; a batch cut short by the
// fetch size ends the walk. It returns the records and how many batches it
// skipped for their codec or format.
func parseRecords(b []byte, l recordLimits) (out []record, skipped int, err error) {
	for len(b) >= 61 && len(out) < l.max {
		base := int64(binary.BigEndian.Uint64(b))
		n := int32(binary.BigEndian.Uint32(b[8:]))
		if n < 49 || int(n) > len(b)-12 {
			break // partial batch at the end of the fetch
		}
		batch := b[12 : 12+n]
		b = b[12+n:]
		if magic := batch[4]; magic != 2 {
			skipped++
			continue
		}
		if crc32.Checksum(batch[9:], castagnoli) != binary.BigEndian.Uint32(batch[5:]) {
			return out, skipped, probe.Protocolf("kafka: record batch CRC mismatch")
		}
		attrs := binary.BigEndian.Uint16(batch[9:])
		if attrs&0x20 != 0 { // control batch (transaction markers)
			continue
		}
		firstTS := int64(binary.BigEndian.Uint64(batch[15:]))
		count := int(int32(binary.BigEndian.Uint32(batch[45:])))
		body := batch[49:]
		switch attrs & 0x07 {
		case 0:
		case 1:
			if body, err = gunzip(body, l.inflate); err != nil {
				return out, skipped, err
			}
		default:
			skipped++
			continue
		}
		r := &reader{b: body}
		if count < 0 || count > len(body)/7 { // a record takes at least 7 bytes
			return out, skipped, probe.Protocolf("kafka: record count %d", count)
		}
		for i := 0; i < count && len(out) < l.max && r.err == nil; i++ {
			rec, ok := readRecord(r, base, firstTS, l.valueSize)
			if ok {
				out = append(out, rec)
			}
		}
		if r.err != nil {
			return out, skipped, r.err
		}
	}
	return out, skipped, nil
}

func readRecord(r *reader, base, firstTS int64, valueSize int) (record, bool) {
	n := r.varint()
	if n < 0 || n > int64(len(r.b)) {
		r.fail("record length")
		return record{}, false
	}
	rr := &reader{b: r.take(int(n))}
	rr.int8() // attributes
	tsDelta := rr.varint()
	offDelta := rr.varint()
	key := rr.varBytes()
	value := rr.varBytes()
	if rr.err != nil {
		r.err = rr.err
		return record{}, false
	}
	if len(value) > valueSize {
		value = value[:valueSize]
	}
	return record{offset: base + offDelta, time: time.UnixMilli(firstTS + tsDelta).UTC(),
		key: bytes.Clone(key), value: bytes.Clone(value)}, true
}

// varBytes reads varint-length bytes (-1 = null).
func (r *reader) varBytes() []byte {
	n := r.varint()
	if n == -1 {
		return nil
	}
	if n < 0 || n > int64(len(r.b)) {
		r.fail("record field length")
		return nil
	}
	return r.take(int(n))
}

// gunzip inflates a gzip batch to at most limit bytes (a bomb is cut, and
// the cut records fail to parse as a protocol error).
func gunzip(b []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, probe.Protocolf("kafka: gzip batch: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)))
	if err != nil {
		return nil, probe.Protocolf("kafka: gzip batch: %v", err)
	}
	return out, nil
}
