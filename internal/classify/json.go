package classify

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"
)

// A small JSON walker of our own: it never builds a tree, allocates nothing
// per value (the dotted path and unescaped strings live in reused buffers),
// bounds nesting depth, and hands each scalar to a callback with its path
// and nearest field name. It is a validating recursive-descent parser; on
// malformed input it stops with an error after the values it already saw.

var (
	errJSON     = errors.New("malformed JSON")
	errDepth    = errors.New("JSON nested deeper than the limit")
	errTrailing = errors.New("data after the JSON value")
)

// maxPath caps the dotted path kept for a value; deeper names are cut.
const maxPath = 512

// leafFunc receives one scalar: its dotted path, the nearest field name
// (array elements inherit their array's name), the value (unescaped string,
// or the number's text) and whether it is a number.
type leafFunc func(path, key, val []byte, num bool)

type jsonWalker struct {
	path     []byte
	valBuf   []byte
	maxDepth int
	leaf     leafFunc
}

// walk parses one JSON value (with surrounding white space) from doc.
func (w *jsonWalker) walk(doc []byte) error {
	return w.walkUnder(doc, nil, nil)
}

// walkUnder walks doc as if it were the value at path with field name key
// (JSON serialised inside a string of another document).
func (w *jsonWalker) walkUnder(doc, path, key []byte) error {
	w.path = append(w.path[:0], path...)
	i := skipWS(doc, 0)
	if i >= len(doc) {
		return errJSON
	}
	end, err := w.value(doc, i, key, 0)
	if err != nil {
		return err
	}
	if skipWS(doc, end) != len(doc) {
		return errTrailing
	}
	return nil
}

func (w *jsonWalker) value(d []byte, i int, key []byte, depth int) (int, error) {
	switch c := d[i]; {
	case c == '{':
		return w.object(d, i, key, depth+1)
	case c == '[':
		return w.array(d, i, key, depth+1)
	case c == '"':
		s, end, esc, err := scanString(d, i)
		if err != nil {
			return 0, err
		}
		if esc {
			w.valBuf = appendUnescaped(w.valBuf[:0], s)
			s = w.valBuf
		}
		w.leaf(w.path, key, s, false)
		return end, nil
	case c == '-' || isDigit(c):
		end := i + 1
		for end < len(d) && isNumChar(d[end]) {
			end++
		}
		w.leaf(w.path, key, d[i:end], true)
		return end, nil
	case c == 't':
		return literal(d, i, "true")
	case c == 'f':
		return literal(d, i, "false")
	case c == 'n':
		return literal(d, i, "null")
	}
	return 0, errJSON
}

func literal(d []byte, i int, lit string) (int, error) {
	if len(d)-i >= len(lit) && string(d[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	return 0, errJSON
}

func (w *jsonWalker) object(d []byte, i int, key []byte, depth int) (int, error) {
	if depth > w.maxDepth {
		return 0, errDepth
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return 0, errJSON
		}
		s, end, esc, err := scanString(d, i)
		if err != nil {
			return 0, err
		}
		base := len(w.path)
		k := key
		if !wrapperKey(s) {
			// The field name is appended to the path and the context key is a
			// view of the path: later appends never overwrite it.
			if base > 0 {
				w.path = append(w.path, '.')
			}
			ks := len(w.path)
			if esc {
				w.path = appendUnescaped(w.path, s)
			} else {
				w.path = append(w.path, s...)
			}
			if len(w.path) > maxPath {
				w.path = w.path[:maxPath]
			}
			k = w.path[ks:len(w.path):len(w.path)]
		}
		i = skipWS(d, end)
		if i >= len(d) || d[i] != ':' {
			return 0, errJSON
		}
		i = skipWS(d, i+1)
		if i >= len(d) {
			return 0, errJSON
		}
		if i, err = w.value(d, i, k, depth); err != nil {
			return 0, err
		}
		w.path = w.path[:base]
		var done bool
		if i, done, err = afterElement(d, i, '}'); err != nil || done {
			return i, err
		}
	}
}

func (w *jsonWalker) array(d []byte, i int, key []byte, depth int) (int, error) {
	if depth > w.maxDepth {
		return 0, errDepth
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		if i >= len(d) {
			return 0, errJSON
		}
		base := len(w.path)
		if base > 0 {
			w.path = append(w.path, '.')
		}
		if len(w.path) < maxPath {
			w.path = strconv.AppendInt(w.path, int64(n), 10)
		}
		var err error
		if i, err = w.value(d, i, key, depth); err != nil {
			return 0, err
		}
		w.path = w.path[:base]
		var done bool
		if i, done, err = afterElement(d, i, ']'); err != nil || done {
			return i, err
		}
	}
}

// wrapperKey reports MongoDB extended-JSON type wrappers ($oid,
// $numberLong, $date...): they are not field names, so the path and the
// context stay those of the enclosing field.
func wrapperKey(s []byte) bool {
	if len(s) < 2 || len(s) > 20 || s[0] != '$' {
		return false
	}
	for _, c := range s[1:] {
		if !isAlpha(c) {
			return false
		}
	}
	return true
}

// scanString returns the raw content of the string starting at d[i] == '"',
// the index after its closing quote, and whether it contains escapes.
func scanString(d []byte, i int) (s []byte, end int, esc bool, err error) {
	j := i + 1
	for {
		k := bytes.IndexByte(d[j:], '"')
		if k < 0 {
			return nil, 0, false, errJSON
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && d[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			s = d[i+1 : q]
			return s, q + 1, bytes.IndexByte(s, '\\') >= 0, nil
		}
		j = q + 1
	}
}

// appendUnescaped decodes JSON escapes; invalid ones are kept literally so
// a hostile document cannot make us fail on content we can still scan.
func appendUnescaped(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'u':
			r, n := decodeU(s[i+1:])
			if n == 0 {
				dst = append(dst, '\\', 'u')
				continue
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		default: // " \ / and anything else
			dst = append(dst, s[i])
		}
	}
	return dst
}

// decodeU decodes the hex digits after \u (and a following low surrogate),
// returning the rune and how many bytes it consumed after the 'u'.
func decodeU(s []byte) (rune, int) {
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if r >= 0xD800 && r < 0xDC00 && len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if lo, ok := hex4(s[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 10
		}
	}
	return r, 4
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		var v byte
		switch {
		case isDigit(c):
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

func skipWS(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\n' || d[i] == '\t' || d[i] == '\r') {
		i++
	}
	return i
}

func isNumChar(c byte) bool {
	return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// skipValue returns the end of the JSON value starting at d[i] without
// reporting leaves (used to find _source in search responses).
func skipValue(d []byte, i, depth, maxDepth int) (int, error) {
	if i >= len(d) {
		return 0, errJSON
	}
	switch c := d[i]; {
	case c == '"':
		_, end, _, err := scanString(d, i)
		return end, err
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, errDepth
		}
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		i = skipWS(d, i+1)
		if i < len(d) && d[i] == close {
			return i + 1, nil
		}
		for {
			var err error
			if c == '{' {
				if i >= len(d) || d[i] != '"' {
					return 0, errJSON
				}
				if _, i, _, err = scanString(d, i); err != nil {
					return 0, err
				}
				i = skipWS(d, i)
				if i >= len(d) || d[i] != ':' {
					return 0, errJSON
				}
				i = skipWS(d, i+1)
			}
			if i, err = skipValue(d, i, depth+1, maxDepth); err != nil {
				return 0, err
			}
			i = skipWS(d, i)
			if i >= len(d) {
				return 0, errJSON
			}
			if d[i] == close {
				return i + 1, nil
			}
			if d[i] != ',' {
				return 0, errJSON
			}
			i = skipWS(d, i+1)
		}
	case c == '-' || isDigit(c):
		end := i + 1
		for end < len(d) && isNumChar(d[end]) {
			end++
		}
		return end, nil
	case c == 't':
		return literal(d, i, "true")
	case c == 'f':
		return literal(d, i, "false")
	case c == 'n':
		return literal(d, i, "null")
	}
	return 0, errJSON
}

// afterElement consumes what follows an object member or an array element:
// a ',' (the next one starts at the returned index) or the closing byte
// (done, the returned index is past it). Anything else is invalid JSON.
func afterElement(d []byte, i int, closer byte) (int, bool, error) {
	i = skipWS(d, i)
	if i >= len(d) {
		return 0, false, errJSON
	}
	switch d[i] {
	case ',':
		return skipWS(d, i+1), false, nil
	case closer:
		return i + 1, true, nil
	}
	return 0, false, errJSON
}
