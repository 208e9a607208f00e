package cassandra

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzFrame feeds whole response frames (header and body) to the reader and
// every body decoder: nothing may panic, allocate past the limit or keep
// more rows than asked.
func FuzzFrame(f *testing.F) {
	frameOf := func(op byte, flags byte, body []byte) []byte {
		h := []byte{0x84, flags, 0, 1, op}
		return append(binary.BigEndian.AppendUint32(h, uint32(len(body))), body...)
	}
	f.Add(frameOf(opSupported, 0, supportedBody()))
	f.Add(frameOf(opAuthenticate, 0, putString(nil, "org.apache.cassandra.auth.PasswordAuthenticator")))
	rowsBody := binary.BigEndian.AppendUint32(nil, resultRows)
	rowsBody = binary.BigEndian.AppendUint32(rowsBody, metaGlobalSpec)
	rowsBody = binary.BigEndian.AppendUint32(rowsBody, 2)
	rowsBody = putString(putString(rowsBody, "ks"), "t")
	rowsBody = putShort(putString(rowsBody, "a"), tVarchar)
	rowsBody = putShort(putString(rowsBody, "b"), tMap)
	rowsBody = putShort(putShort(rowsBody, tInt), tUUID)
	rowsBody = binary.BigEndian.AppendUint32(rowsBody, 1)
	rowsBody = append(binary.BigEndian.AppendUint32(rowsBody, 2), "hi"...)
	rowsBody = binary.BigEndian.AppendUint32(rowsBody, 0xffffffff)
	f.Add(frameOf(opResult, 0, rowsBody))
	f.Add(frameOf(opResult, flagWarning|flagTracing, append(make([]byte, 16), append(putShort(nil, 0), rowsBody...)...)))
	f.Add(frameOf(opError, 0, append([]byte{0, 0, 1, 0}, putString(nil, "Bad credentials")...)))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := readFrame(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		if len(fr.body) > 1<<16 {
			t.Fatalf("body of %d bytes past the limit", len(fr.body))
		}
		r, err := fr.payload()
		if err != nil {
			return
		}
		body := r.b
		(&reader{b: body}).stringMultimap()
		parseError(&reader{b: body})
		if rs, err := parseResult(&reader{b: body}, 3); err == nil {
			if len(rs.Rows) > 3 {
				t.Fatalf("%d rows kept, asked for 3", len(rs.Rows))
			}
			for _, row := range rs.Rows {
				if len(row) != len(rs.Columns) {
					t.Fatal("ragged row")
				}
			}
		}
	})
}

// FuzzValue renders arbitrary cells of every type.
func FuzzValue(f *testing.F) {
	f.Add(uint16(tTimestamp), []byte{0, 0, 1, 0x8c, 0, 0, 0, 0})
	f.Add(uint16(tDouble), []byte{0x7f, 0xf8, 0, 0, 0, 0, 0, 0})
	f.Add(uint16(tBlob), bytes.Repeat([]byte{1}, 5000))
	f.Fuzz(func(t *testing.T, typ uint16, b []byte) {
		if s, ok := value(int(typ), b).(string); ok && len(s) > maxValueTextLength+64 && typ != tVarchar && typ != tASCII {
			t.Fatalf("value of %d bytes for type %#x", len(s), typ)
		}
	})
}
