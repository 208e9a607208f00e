package couchdb

import "testing"

func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		`{"couchdb":"Welcome","version":"3.3.3","vendor":{"name":"The Apache Software Foundation"}}`,
		`{"express-pouchdb":"Welcome!","version":"4.2.0","vendor":{"name":"PouchDB authors"}}`,
		`["_users","smsgw"]`,
		`{"doc_count":1000,"disk_size":123,"sizes":{"file":456}}`,
		`{"rows":[{"id":"a","doc":{"_id":"a","to":"+15551000001"}},{"id":"b","doc":null}]}`,
		`{"error":"unauthorized","reason":"Authentication required."}`,
		`[[[[[[`, ``, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parseWelcome(b)
		isCouchError(b)
		parseAllDBs(b)
		if d, err := parseDBInfo(b); err == nil {
			if p := d.docs(); p != nil && *p < 0 {
				t.Fatal("negative count")
			}
		}
		s, err := parseAllDocs(b, 3, 100, 5)
		if err == nil && (len(s.samples) > 3 || len(s.fields) > 5) {
			t.Fatalf("bounds broken: %d samples %d fields", len(s.samples), len(s.fields))
		}
		for _, x := range s.samples {
			if len(x.Data) > 100 {
				t.Fatal("sample too large")
			}
		}
	})
}
