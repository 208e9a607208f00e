package kafka

import (
	"bytes"
	"testing"
)

// FuzzResponse feeds one size-prefixed response to every decoder: nothing
// may panic, allocate past the limit or keep more records than asked.
func FuzzResponse(f *testing.F) {
	frame := func(body []byte) []byte {
		b := appendInt32(nil, int32(len(body)+4))
		return append(appendInt32(b, 1), body...)
	}
	f.Add(frame(apiVersionsBody()))
	f.Add(frame(metadataBody()))
	f.Add(frame(offsetsBody(42)))
	f.Add(frame(fetchBody(batch(0, []byte(`{"a":1}`), []byte("x")))))
	f.Add(frame(fetchBody(batch(1, []byte(`{"to":"+15550000001"}`)))))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := readResponse(bytes.NewReader(b), 1, 1<<16)
		if err != nil {
			return
		}
		body := r.b
		if apis, code, err := parseAPIVersions(&reader{b: body}); err == nil {
			looksLikeKafka(apis, code)
		}
		for v := int16(1); v <= 4; v++ {
			parseMetadata(&reader{b: body}, v)
		}
		parseListOffsets(&reader{b: body})
		if recs, _, err := parseFetch(&reader{b: body}); err == nil {
			out, _, _ := parseRecords(recs, recordLimits{max: 3, inflate: 1 << 16, valueSize: 100})
			if len(out) > 3 {
				t.Fatalf("%d records kept, asked for 3", len(out))
			}
			for _, rec := range out {
				if len(rec.value) > 100 {
					t.Fatalf("value of %d bytes", len(rec.value))
				}
			}
		}
		parseRecords(body, recordLimits{max: 3, inflate: 1 << 16, valueSize: 100})
	})
}
