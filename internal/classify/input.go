package classify

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Input files for the offline command: JSON Lines, JSON arrays, concatenated
// or pretty-printed JSON, Elasticsearch _search/scroll responses
// (hits.hits[]._source), mongoexport extended JSON, mongodump .bson, CSV
// with a header, and plain text lines. Every reader is bounded: a document
// (line, array element, BSON document, CSV record) larger than MaxDocument
// is skipped and counted, never buffered whole.

// InputDoc is one document read from a file. Data is valid only during the
// callback.
type InputDoc struct {
	// Line is the 1-based line where the document starts (JSON Lines,
	// text, CSV), or its 1-based index (array elements, BSON documents,
	// search hits).
	Line   int
	Format string // "json", "bson" or "text": what Engine.Scan takes
	Data   []byte
}

// ReadOptions choose the format ("" or "auto" sniffs it) and the bound.
type ReadOptions struct {
	Format      string // auto, json, jsonl, bson, csv, text
	MaxDocument int    // default 16 MiB
}

// ReadStats says what a read saw.
type ReadStats struct {
	Format    string // the format used
	Documents int    // documents handed to the callback
	Skipped   int    // documents over MaxDocument
}

var errRecordTooLarge = errors.New("CSV record larger than the document limit")

// ReadDocuments reads r (named name, for the extension) and calls fn for
// each document. An error from fn stops the read and is returned.
func ReadDocuments(r io.Reader, name string, opt ReadOptions, fn func(InputDoc) error) (ReadStats, error) {
	if opt.MaxDocument <= 0 {
		opt.MaxDocument = 16 << 20
	}
	br := bufio.NewReaderSize(r, 256<<10)
	st := ReadStats{Format: opt.Format}
	if st.Format == "" || st.Format == "auto" {
		head, _ := br.Peek(4096)
		st.Format = SniffFormat(name, head)
	}
	count := func(d InputDoc) error { st.Documents++; return fn(d) }
	var err error
	switch st.Format {
	case "json", "jsonl", "ndjson":
		head, _ := br.Peek(64 << 10)
		if st.Format != "json" || jsonLines(head) {
			// One document per line: a truncated or malformed line costs
			// that line only.
			err = readLines(br, opt.MaxDocument, "json", count, &st)
		} else {
			err = readJSON(br, opt.MaxDocument, count, &st)
		}
		st.Format = "json"
	case "bson":
		err = readBSON(br, opt.MaxDocument, count, &st)
	case "csv":
		err = readCSV(br, opt.MaxDocument, count, &st)
	case "text":
		err = readLines(br, opt.MaxDocument, "text", count, &st)
	default:
		err = fmt.Errorf("unknown input format %q (want auto, json, jsonl, bson, csv or text)", st.Format)
	}
	return st, err
}

// SniffFormat guesses a file's format from its extension, then its first bytes.
func SniffFormat(name string, head []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".bson":
		return "bson"
	case ".csv":
		return "csv"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".json":
		return "json"
	}
	if looksBSON(head) {
		return "bson"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return "json"
	}
	first := t
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		first = t[:i]
	}
	if bytes.Count(first, []byte(",")) >= 1 && len(first) < 4096 {
		return "csv"
	}
	return "text"
}

// looksBSON: a plausible little-endian length, a known element type and a
// printable key.
func looksBSON(h []byte) bool {
	if len(h) < 7 {
		return false
	}
	l := binary.LittleEndian.Uint32(h)
	if l < 5 || l > 64<<20 {
		return false
	}
	if int(l) <= len(h) && h[l-1] != 0 {
		return false
	}
	t := h[4]
	if !(t >= 0x01 && t <= 0x13 || t == 0x7f || t == 0xff) {
		return false
	}
	for i := 5; i < len(h) && i < 64; i++ {
		if h[i] == 0 {
			return i > 5
		}
		if h[i] < 0x20 {
			return false
		}
	}
	return false
}

// --- JSON ---

func readJSON(br *bufio.Reader, max int, fn func(InputDoc) error, st *ReadStats) error {
	line := 1
	index := 0
	var buf []byte
	for {
		c, err := peekNonWS(br, &line)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c == '[' {
			// A top-level array: stream its elements.
			_, _ = br.ReadByte()
			first := true
			for {
				c, err = peekNonWS(br, &line)
				if err != nil {
					return fmt.Errorf("line %d: unterminated array", line)
				}
				if c == ']' {
					_, _ = br.ReadByte()
					break
				}
				if !first {
					if c != ',' {
						return fmt.Errorf("line %d: expected , or ] in array", line)
					}
					_, _ = br.ReadByte()
					if _, err = peekNonWS(br, &line); err != nil {
						return fmt.Errorf("line %d: unterminated array", line)
					}
				}
				first = false
				var skipped bool
				buf, skipped, err = readValue(br, max, &line, buf)
				if err != nil {
					return err
				}
				index++
				if skipped {
					st.Skipped++
					continue
				}
				if err := fn(InputDoc{Line: index, Format: "json", Data: buf}); err != nil {
					return err
				}
			}
			continue
		}
		start := line
		var skipped bool
		buf, skipped, err = readValue(br, max, &line, buf)
		if err != nil {
			return err
		}
		if skipped {
			st.Skipped++
			continue
		}
		if hits, ok := searchHits(buf); ok {
			for _, h := range hits {
				index++
				if err := fn(InputDoc{Line: index, Format: "json", Data: h}); err != nil {
					return err
				}
			}
			continue
		}
		if err := fn(InputDoc{Line: start, Format: "json", Data: buf}); err != nil {
			return err
		}
	}
}

// peekNonWS skips white space (counting lines) and returns the next byte
// without consuming it.
func peekNonWS(br *bufio.Reader, line *int) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case '\n':
			*line++
			fallthrough
		case ' ', '\t', '\r':
			_, _ = br.ReadByte()
		case 0xef: // UTF-8 byte order mark
			if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
				_, _ = br.Discard(3)
				continue
			}
			return b[0], nil
		default:
			return b[0], nil
		}
	}
}

// readValue reads one JSON value's bytes into buf (reused). Past max bytes
// it keeps reading to the value's end without storing, and reports skipped.
// It tracks strings and nesting only; the walker validates the rest.
// Inside strings it jumps from quote to quote with IndexByte.
func readValue(br *bufio.Reader, max int, line *int, buf []byte) ([]byte, bool, error) {
	buf = buf[:0]
	depth, total := 0, 0
	inStr, started, scalar := false, false, false
	carry := 0 // backslashes at the end of the previous chunk, inside a string
	for {
		if br.Buffered() == 0 {
			if _, err := br.Peek(1); err != nil {
				if err == io.EOF && scalar {
					return buf, total > max, nil
				}
				if err == io.EOF {
					return nil, false, fmt.Errorf("line %d: unexpected end of JSON", *line)
				}
				return nil, false, err
			}
		}
		chunk, _ := br.Peek(br.Buffered())
		i, done := 0, false
	scan:
		for i < len(chunk) {
			if inStr {
				k := bytes.IndexByte(chunk[i:], '"')
				if k < 0 {
					carry = trailingBackslashes(chunk[i:], carry)
					i = len(chunk)
					break
				}
				q := i + k
				bs := trailingBackslashes(chunk[i:q], carry)
				carry = 0
				i = q + 1
				if bs%2 == 1 {
					continue // an escaped quote
				}
				inStr = false
				if depth == 0 {
					done = true
					break scan
				}
				continue
			}
			c := chunk[i]
			switch c {
			case '"':
				if scalar {
					done = true
					break scan
				}
				inStr, started = true, true
			case '{', '[':
				if scalar {
					done = true
					break scan
				}
				depth++
				started = true
			case '}', ']':
				if scalar || depth == 0 {
					if !started {
						return nil, false, fmt.Errorf("line %d: unexpected %q", *line, c)
					}
					done = true
					break scan
				}
				depth--
				if depth == 0 {
					i++
					done = true
					break scan
				}
			case ' ', '\t', '\r', '\n', ',':
				if scalar {
					done = true
					break scan
				}
				if c == '\n' {
					*line++
				}
			default:
				if !started {
					scalar, started = true, true
				}
			}
			i++
		}
		if total+i <= max {
			buf = append(buf, chunk[:i]...)
		}
		total += i
		_, _ = br.Discard(i)
		if done {
			return buf, total > max, nil
		}
	}
}

// trailingBackslashes counts the backslashes that end b, adding carry when
// b is all backslashes (the run continues from the previous chunk).
func trailingBackslashes(b []byte, carry int) int {
	n := 0
	for n < len(b) && b[len(b)-1-n] == '\\' {
		n++
	}
	if n == len(b) {
		n += carry
	}
	return n
}

// searchHits returns the _source of each hit when doc is an Elasticsearch
// or OpenSearch search/scroll response.
func searchHits(doc []byte) ([][]byte, bool) {
	if !bytes.Contains(doc, []byte(`"_source"`)) {
		return nil, false
	}
	outer, ok := member(doc, "hits")
	if !ok {
		return nil, false
	}
	arr, ok := member(outer, "hits")
	if !ok || len(arr) == 0 || arr[0] != '[' {
		return nil, false
	}
	var out [][]byte
	i := skipWS(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end, err := skipValue(arr, i, 0, 64)
		if err != nil {
			return nil, false
		}
		if src, ok := member(arr[i:end], "_source"); ok && len(src) > 0 && src[0] == '{' {
			out = append(out, src)
		}
		i = skipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipWS(arr, i+1)
		}
	}
	return out, true
}

// member returns the raw value of key in the JSON object obj.
func member(obj []byte, key string) ([]byte, bool) {
	i := skipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	i = skipWS(obj, i+1)
	for i < len(obj) && obj[i] == '"' {
		k, end, _, err := scanString(obj, i)
		if err != nil {
			return nil, false
		}
		i = skipWS(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return nil, false
		}
		i = skipWS(obj, i+1)
		vend, err := skipValue(obj, i, 0, 64)
		if err != nil {
			return nil, false
		}
		if string(k) == key {
			return obj[i:vend], true
		}
		i = skipWS(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = skipWS(obj, i+1)
		}
	}
	return nil, false
}

// --- BSON ---

func readBSON(br *bufio.Reader, max int, fn func(InputDoc) error, st *ReadStats) error {
	var hdr [4]byte
	var buf []byte
	for idx := 1; ; idx++ {
		if _, err := io.ReadFull(br, hdr[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("BSON document %d: truncated length", idx)
		}
		l := int(binary.LittleEndian.Uint32(hdr[:]))
		if l < 5 {
			return fmt.Errorf("BSON document %d: invalid length %d", idx, l)
		}
		if l > max {
			st.Skipped++
			if _, err := io.CopyN(io.Discard, br, int64(l-4)); err != nil {
				return fmt.Errorf("BSON document %d: truncated", idx)
			}
			continue
		}
		buf = append(buf[:0], hdr[:]...)
		buf = append(buf, make([]byte, l-4)...)
		if _, err := io.ReadFull(br, buf[4:]); err != nil {
			return fmt.Errorf("BSON document %d: truncated", idx)
		}
		if err := fn(InputDoc{Line: idx, Format: "bson", Data: buf}); err != nil {
			return err
		}
	}
}

// --- CSV ---

// csvGuard fails a read once more than max bytes went by without a
// completed record (encoding/csv would otherwise buffer a record whole).
type csvGuard struct {
	r      io.Reader
	n, max int
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.n > g.max {
		return 0, errRecordTooLarge
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

func readCSV(br *bufio.Reader, max int, fn func(InputDoc) error, st *ReadStats) error {
	g := &csvGuard{r: br, max: max}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("CSV header: %w", err)
	}
	names := make([]string, len(head))
	for i, h := range head {
		names[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if names[i] == "" {
			names[i] = "column" + strconv.Itoa(i+1)
		}
	}
	var buf []byte
	for {
		g.n = 0
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errRecordTooLarge) {
				continue // a malformed record: the reader resynchronises on the next line
			}
			return fmt.Errorf("CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		// A row becomes a JSON object so that columns are field names.
		buf = append(buf[:0], '{')
		for i, v := range rec {
			if i >= len(names) || v == "" {
				continue
			}
			if len(buf) > 1 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, names[i])
			buf = append(buf, ':')
			buf = appendJSONString(buf, v)
		}
		buf = append(buf, '}')
		if err := fn(InputDoc{Line: line, Format: "json", Data: buf}); err != nil {
			return err
		}
	}
}

func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// --- text ---

// jsonLines reports JSON Lines: the first line is one complete JSON object
// and the next non-empty line starts another.
func jsonLines(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false
	}
	first := bytes.TrimSpace(head[:nl])
	if len(first) < 2 || first[0] != '{' {
		return false
	}
	if end, err := skipValue(first, 0, 0, 64); err != nil || end != len(first) {
		return false
	}
	rest := bytes.TrimLeft(head[nl+1:], " \t\r\n")
	return len(rest) > 0 && rest[0] == '{'
}

func readLines(br *bufio.Reader, max int, format string, fn func(InputDoc) error, st *ReadStats) error {
	var buf []byte
	for line := 1; ; line++ {
		buf = buf[:0]
		over := false
		for {
			part, err := br.ReadSlice('\n')
			if len(buf)+len(part) <= max {
				buf = append(buf, part...)
			} else {
				over = true
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && len(buf) == 0 && !over {
				return nil
			}
			if err != nil && err != io.EOF {
				return err
			}
			break
		}
		if over {
			st.Skipped++
			continue
		}
		if doc := bytes.TrimSpace(buf); len(doc) > 0 {
			if format == "json" {
				if hits, ok := searchHits(doc); ok { // one search/scroll response per line
					for _, h := range hits {
						if err := fn(InputDoc{Line: line, Format: "json", Data: h}); err != nil {
							return err
						}
					}
					continue
				}
			} else {
				doc = bytes.TrimRight(buf, "\r\n")
			}
			if err := fn(InputDoc{Line: line, Format: format, Data: doc}); err != nil {
				return err
			}
		}
		if len(buf) == 0 || buf[len(buf)-1] != '\n' {
			return nil
		}
	}
}
