package mysql

import (
	"encoding/json"
	"strconv"
)

// Column types whose text values are JSON numbers.
var numericTypes = map[byte]bool{
	0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 8: true, 9: true, 13: true, 246: true,
}

// rowJSON renders a text-protocol row as a JSON object in column order.
// Numbers stay numbers; everything else (dates, text, blobs) is a string,
// with invalid UTF-8 replaced by json.Marshal.
func rowJSON(cols []column, row [][]byte) []byte {
	out := []byte{'{'}
	for i, c := range cols {
		if i >= len(row) {
			break
		}
		if i > 0 {
			out = append(out, ',')
		}
		k, _ := json.Marshal(c.name)
		out = append(append(out, k...), ':')
		v := row[i]
		switch {
		case v == nil:
			out = append(out, "null"...)
		case numericTypes[c.typ] && isNumber(v):
			out = append(out, v...)
		default:
			s, _ := json.Marshal(string(v))
			out = append(out, s...)
		}
	}
	return append(out, '}')
}

// isNumber accepts what strconv parses as a finite float and JSON allows.
func isNumber(v []byte) bool {
	f, err := strconv.ParseFloat(string(v), 64)
	return err == nil && f == f && json.Valid(v)
}
