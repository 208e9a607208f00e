package cassandra

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// CQL type ids ([option] ids of the v4 spec).
const (
	tCustom    = 0x0000
	tASCII     = 0x0001
	tBigint    = 0x0002
	tBlob      = 0x0003
	tBoolean   = 0x0004
	tCounter   = 0x0005
	tDouble    = 0x0007
	tFloat     = 0x0008
	tInt       = 0x0009
	tTimestamp = 0x000B
	tUUID      = 0x000C
	tVarchar   = 0x000D
	tTimeUUID  = 0x000F
	tInet      = 0x0010
	tDate      = 0x0011
	tSmallint  = 0x0013
	tTinyint   = 0x0014
	tList      = 0x0020
	tMap       = 0x0021
	tSet       = 0x0022
	tUDT       = 0x0030
	tTuple     = 0x0031
)

const (
	resultRows         = 0x0002
	metaGlobalSpec     = 0x0001
	metaHasMorePages   = 0x0002
	metaNoMetadata     = 0x0004
	maxTypeDepth       = 16
	maxValueTextLength = 4 << 10 // hex of an unknown value is cut here
)

// rows is a decoded ROWS result: column names and types, and each row's
// values rendered as JSON-friendly Go values.
type rows struct {
	Columns []string
	Types   []int
	Rows    [][]any
	More    bool // the server has further pages (never fetched)
}

// parseResult decodes a RESULT body; kinds other than Rows give empty rows.
// maxRows bounds the rows kept, whatever the server claims.
func parseResult(r *reader, maxRows int) (*rows, error) {
	kind := r.int()
	if r.err != nil {
		return nil, r.err
	}
	if kind != resultRows {
		return &rows{}, nil
	}
	flags := r.int()
	ncol := r.count(int(r.int()), 0, "column")
	out := &rows{More: flags&metaHasMorePages != 0}
	if out.More {
		r.bytes()
	}
	if flags&metaNoMetadata != 0 {
		return nil, probe.Protocolf("cql: rows without metadata, none was asked for")
	}
	if flags&metaGlobalSpec != 0 {
		r.string()
		r.string()
	}
	ncol = r.count(ncol, 4, "column")
	for i := 0; i < ncol && r.err == nil; i++ {
		if flags&metaGlobalSpec == 0 {
			r.string()
			r.string()
		}
		out.Columns = append(out.Columns, r.string())
		out.Types = append(out.Types, readType(r, 0))
	}
	nrows := int(r.int())
	if ncol == 0 {
		nrows = 0 // rows of nothing: nothing to keep, and no loop of 2^31
	}
	if nrows < 0 || (ncol > 0 && nrows > len(r.b)/(4*ncol)) {
		r.fail("row count")
	}
	for i := 0; i < nrows && r.err == nil; i++ {
		row := make([]any, ncol)
		for j := 0; j < ncol && r.err == nil; j++ {
			row[j] = value(out.Types[j], r.bytes())
		}
		if len(out.Rows) < maxRows && r.err == nil {
			out.Rows = append(out.Rows, row)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// readType reads an [option]; the values of collections, UDTs and tuples are
// rendered as hex, so only their shape is skipped (depth-bounded).
func readType(r *reader, depth int) int {
	if depth > maxTypeDepth {
		r.fail("type nesting")
		return tCustom
	}
	id := r.short()
	switch id {
	case tCustom:
		r.string()
	case tList, tSet:
		readType(r, depth+1)
	case tMap:
		readType(r, depth+1)
		readType(r, depth+1)
	case tUDT:
		r.string()
		r.string()
		n := r.count(r.short(), 4, "udt field")
		for i := 0; i < n && r.err == nil; i++ {
			r.string()
			readType(r, depth+1)
		}
	case tTuple:
		n := r.count(r.short(), 2, "tuple element")
		for i := 0; i < n && r.err == nil; i++ {
			readType(r, depth+1)
		}
	}
	return id
}

// value renders one cell: common scalar types as themselves, the rest (and
// any value whose length does not fit its type) as bounded hex.
func value(typ int, b []byte) any {
	if b == nil {
		return nil
	}
	switch typ {
	case tASCII, tVarchar:
		if utf8.Valid(b) {
			return string(b)
		}
	case tInt:
		if len(b) == 4 {
			return int32(binary.BigEndian.Uint32(b))
		}
	case tBigint, tCounter:
		if len(b) == 8 {
			return int64(binary.BigEndian.Uint64(b))
		}
	case tSmallint:
		if len(b) == 2 {
			return int16(binary.BigEndian.Uint16(b))
		}
	case tTinyint:
		if len(b) == 1 {
			return int8(b[0])
		}
	case tBoolean:
		if len(b) == 1 {
			return b[0] != 0
		}
	case tDouble:
		if f := math.Float64frombits(binary.BigEndian.Uint64(pad(b, 8))); len(b) == 8 && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	case tFloat:
		if f := math.Float32frombits(binary.BigEndian.Uint32(pad(b, 4))); len(b) == 4 && !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
			return f
		}
	case tTimestamp:
		if len(b) == 8 {
			return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC().Format(time.RFC3339Nano)
		}
	case tDate:
		if len(b) == 4 {
			days := int64(binary.BigEndian.Uint32(b)) - 1<<31
			return time.Unix(days*86400, 0).UTC().Format(time.DateOnly)
		}
	case tUUID, tTimeUUID:
		if len(b) == 16 {
			h := hex.EncodeToString(b)
			return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		}
	case tInet:
		if a, ok := netip.AddrFromSlice(b); ok {
			return a.String()
		}
	}
	if len(b) > maxValueTextLength/2 {
		return "0x" + hex.EncodeToString(b[:maxValueTextLength/2]) + "...(" + strconv.Itoa(len(b)) + " bytes)"
	}
	return "0x" + hex.EncodeToString(b)
}

// pad lets the float cases read a fixed width before checking the length.
func pad(b []byte, n int) []byte {
	if len(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}
