package clickhouse

import "testing"

func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		"18.16.1\n",
		`{"database":"smsgw","name":"sms_logs","engine":"MergeTree","modified":"2024-01-01 00:00:00","total_rows":"1000"}` + "\n",
		`{"database":"smsgw","table":"sms_logs","rows":"1000","bytes":"18552"}`,
		"Code: 194, e.displayText() = DB::Exception: Password required for user default, e.what() = DB::Exception\n",
		"Code: 516. DB::Exception: default: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED)",
		"{\"a\":1}\nCode: 241, e.displayText() = DB::Exception: x", "3\n", "{", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, ok := parseException(b); ok {
			e.isAuth()
		}
		trailingException(b)
		looksLikeVersion(string(b))
		if c := parseCount(b); c != nil && *c < 0 {
			t.Fatal("negative count")
		}
		rows, err := parseRows(b, 3, 50)
		if err == nil && len(rows) > 3 {
			t.Fatal("row cap broken")
		}
		for _, r := range rows {
			if len(r.raw) > 50 {
				t.Fatal("row too large")
			}
			tableRow(r.doc)
			parseParts(r.doc)
			fieldNames(r.doc, 2)
		}
	})
}
