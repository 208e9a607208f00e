package classify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

type readDoc struct {
	line   int
	format string
	data   string
}

func readAll(t *testing.T, name, input string, opt ReadOptions) ([]readDoc, ReadStats, error) {
	t.Helper()
	var docs []readDoc
	st, err := ReadDocuments(strings.NewReader(input), name, opt, func(d InputDoc) error {
		docs = append(docs, readDoc{d.Line, d.Format, string(d.Data)})
		return nil
	})
	return docs, st, err
}

func bsonDocs(docs ...bsoncore.Document) string {
	var b []byte
	for _, d := range docs {
		b = append(b, d...)
	}
	return string(b)
}

func TestReadDocumentsFormats(t *testing.T) {
	b1 := bsoncore.NewDocumentBuilder().AppendString("email", "a@example.com").Build()
	b2 := bsoncore.NewDocumentBuilder().AppendString("phone", "+14155550172").Build()
	for _, c := range []struct {
		name, file, input string
		format            string
		lines             []int
		first             string
	}{
		{"json lines", "x.jsonl", "{\"a\":1}\n\n{\"b\":\"x\\ny\"}\n{\"c\":[1,{\"d\":2}]}\n", "json", []int{1, 3, 4}, `{"a":1}`},
		{"array", "", " [ {\"a\":1},\n{\"b\":2} ,{\"c\":\"]\"} ]", "json", []int{1, 2, 3}, `{"a":1}`},
		{"pretty objects", "", "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n", "json", []int{1, 4}, "{\n  \"a\": 1\n}"},
		{"search response", "", `{"took":3,"hits":{"total":{"value":2},"hits":[{"_index":"i","_id":"1","_source":{"email":"a@example.com"}},{"_id":"2","_source":{"phone":"+14155550172"}}]}}`,
			"json", []int{1, 2}, `{"email":"a@example.com"}`},
		{"mongoexport", "", "{\"_id\":{\"$oid\":\"65a1b2c3d4e5f6a7b8c9d0e1\"},\"n\":{\"$numberLong\":\"5\"}}\n", "json", []int{1}, `{"_id":{"$oid":"65a1b2c3d4e5f6a7b8c9d0e1"},"n":{"$numberLong":"5"}}`},
		{"bson", "dump.bson", bsonDocs(b1, b2), "bson", []int{1, 2}, string(b1)},
		{"bson sniffed", "", bsonDocs(b1), "bson", []int{1}, string(b1)},
		{"csv", "people.csv", "name,email,phone\nJane,jane@example.com,\"+1 (415) 555-0172\"\n\"Bob, Jr\",\"b\"\"ob@example.com\",\n", "json", []int{2, 3},
			`{"name":"Jane","email":"jane@example.com","phone":"+1 (415) 555-0172"}`},
		{"text", "app.log", "first line\r\n\nthird line", "text", []int{1, 3}, "first line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			docs, st, err := readAll(t, c.file, c.input, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, d := range docs {
				lines = append(lines, d.line)
			}
			if st.Format != c.format && !(c.format == "json" && st.Format == "csv") || fmt.Sprint(lines) != fmt.Sprint(c.lines) {
				t.Fatalf("format %s lines %v, want %s %v (%+v)", st.Format, lines, c.format, c.lines, docs)
			}
			if docs[0].data != c.first {
				t.Errorf("first document %q, want %q", docs[0].data, c.first)
			}
			if st.Documents != len(c.lines) {
				t.Errorf("Documents = %d", st.Documents)
			}
		})
	}
}

// In JSON Lines a broken line costs that line only.
func TestJSONLinesResynchronise(t *testing.T) {
	input := "{\"a\":\"1\"}\n{\"broken\":\"x\n{\"email\":\"a@example.com\"}\n{\"hits\":{\"hits\":[{\"_source\":{\"b\":1}}]}}\n"
	docs, st, err := readAll(t, "", input, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, d := range docs {
		lines = append(lines, d.line)
	}
	if st.Format != "json" || fmt.Sprint(lines) != "[1 2 3 4]" || docs[2].data != `{"email":"a@example.com"}` || docs[3].data != `{"b":1}` {
		t.Fatalf("format %s lines %v docs %+v", st.Format, lines, docs)
	}
}

func TestReadDocumentsErrors(t *testing.T) {
	for _, c := range []struct{ file, input string }{
		{"x.json", "[{\"a\":1}"},
		{"x.json", "{\"a\":"},
		{"x.json", "}"},
		{"x.bson", "\x10\x00\x00\x00\x02a"},
		{"x.bson", "\x01\x00\x00\x00"},
	} {
		if _, _, err := readAll(t, c.file, c.input, ReadOptions{}); err == nil {
			t.Errorf("%q: no error", c.input)
		}
	}
	if _, _, err := readAll(t, "x", "a", ReadOptions{Format: "yaml"}); err == nil {
		t.Error("unknown format accepted")
	}
}

// endless produces n bytes of one huge JSON string (or line) without
// holding them: the readers must skip it with bounded memory.
type endless struct {
	head, tail string
	n, off     int64
}

func (e *endless) Read(p []byte) (int, error) {
	total := int64(len(e.head)) + e.n + int64(len(e.tail))
	if e.off >= total {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && e.off < total {
		switch {
		case e.off < int64(len(e.head)):
			p[i] = e.head[e.off]
		case e.off < int64(len(e.head))+e.n:
			p[i] = 'x'
		default:
			p[i] = e.tail[e.off-int64(len(e.head))-e.n]
		}
		i++
		e.off++
	}
	return i, nil
}

func TestHugeDocumentsAreSkipped(t *testing.T) {
	const huge = 64 << 20
	for _, c := range []struct{ name, format, head, tail string }{
		{"json line", "json", `{"a":"`, "\"}\n{\"email\":\"a@example.com\"}\n"},
		{"array element", "json", `[{"a":"`, "\"},{\"email\":\"a@example.com\"}]"},
		{"text line", "text", "", "\nmail a@example.com\n"},
		{"csv record", "csv", "a,b\n1,", "\n2,3\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var docs []string
			st, err := ReadDocuments(&endless{head: c.head, tail: c.tail, n: huge}, "", ReadOptions{Format: c.format, MaxDocument: 1 << 20},
				func(d InputDoc) error { docs = append(docs, string(d.Data)); return nil })
			if c.format == "csv" {
				if !errors.Is(err, errRecordTooLarge) {
					t.Fatalf("csv: err %v, want errRecordTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Skipped != 1 || len(docs) != 1 || !strings.Contains(docs[0], "a@example.com") {
				t.Fatalf("skipped %d, docs %q", st.Skipped, docs)
			}
		})
	}
	// A BSON length of 2 GB is skipped by discarding, not allocating.
	hdr := []byte{0xfe, 0xff, 0xff, 0x7f}
	_, err := ReadDocuments(io.MultiReader(bytes.NewReader(hdr), &endless{n: 1 << 20}), "x.bson", ReadOptions{MaxDocument: 1 << 20}, func(InputDoc) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("2 GB BSON length: %v", err)
	}
}

func TestSniffFormat(t *testing.T) {
	for _, c := range []struct{ name, head, want string }{
		{"a.csv", "{", "csv"}, {"a.bson", "", "bson"}, {"a.ndjson", "x", "jsonl"}, {"a.json", "x", "json"},
		{"", "  \n[1]", "json"}, {"", "\xef\xbb\xbf{}", "json"}, {"", "id,name\n1,x", "csv"}, {"", "hello world", "text"},
	} {
		if got := SniffFormat(c.name, []byte(c.head)); got != c.want {
			t.Errorf("SniffFormat(%q, %q) = %s, want %s", c.name, c.head, got, c.want)
		}
	}
}

// FuzzReadDocuments: any bytes in any format end in documents and maybe an
// error, never a panic or a document over the limit.
func FuzzReadDocuments(f *testing.F) {
	for _, s := range []string{"{\"a\":1}\n{\"b\":2}", "[1,{\"a\":\"]\"}]", `{"hits":{"hits":[{"_source":{"a":1}}]}}`, "a,b\n1,2\n", "\x0c\x00\x00\x00\x02a\x00\x01\x00\x00\x00\x00\x00"} {
		f.Add([]byte(s))
	}
	e := New(Options{})
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, format := range []string{"auto", "json", "bson", "csv", "text"} {
			_, _ = ReadDocuments(bytes.NewReader(in), "", ReadOptions{Format: format, MaxDocument: 256}, func(d InputDoc) error {
				if len(d.Data) > 256 && (format == "json" || format == "bson" || format == "text") {
					t.Fatalf("%s: document of %d bytes over the limit", format, len(d.Data))
				}
				_ = e.Scan(d.Data, d.Format, func(Detection) {})
				return nil
			})
		}
	})
}

// Escapes split across reads (one byte per read) must not confuse the
// stream reader.
func TestReadValueAcrossChunkBoundaries(t *testing.T) {
	input := `{"a":"x\\\\\"y\\","b":"\"}{[","c":"\\"}` + "\n" + `["\\\\",{"d":"]"}]` + "\n"
	var whole, split []string
	collect := func(dst *[]string) func(InputDoc) error {
		return func(d InputDoc) error { *dst = append(*dst, string(d.Data)); return nil }
	}
	if _, err := ReadDocuments(strings.NewReader(input), "x.json", ReadOptions{}, collect(&whole)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDocuments(iotest.OneByteReader(strings.NewReader(input)), "x.json", ReadOptions{}, collect(&split)); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(whole) != fmt.Sprint(split) || len(whole) != 3 {
		t.Fatalf("whole %q\nsplit %q", whole, split)
	}
}
