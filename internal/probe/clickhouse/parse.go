package clickhouse

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

const (
	codeReadonly = 164
	maxRows      = 100000 // JSONEachRow lines accepted from one answer
)

// exception is ClickHouse's error text: "Code: 194, e.displayText() =
// DB::Exception: Password required..." (old) or "Code: 516. DB::Exception:
// default: Authentication failed..." (new).
type exception struct {
	code int
	text string
}

var exceptionRE = regexp.MustCompile(`^Code: (\d{1,6})[.,] .{0,40}?DB::Exception`)

func parseException(b []byte) (exception, bool) {
	head := bytes.TrimSpace(b[:min(len(b), 4096)])
	m := exceptionRE.FindSubmatch(head)
	if m == nil {
		return exception{}, false
	}
	code, _ := strconv.Atoi(string(m[1]))
	text := strings.ToValidUTF8(string(head[:min(len(head), 300)]), "?")
	return exception{code: code, text: text}, true
}

// trailingException finds an error raised while rows were streaming: it is
// the last line of an answer whose status (200) was already sent. Rows of
// JSONEachRow or TSV data never start with "Code: ".
func trailingException(b []byte) (exception, bool) {
	b = bytes.TrimRight(b, "\r\n ")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return parseException(b)
}

// isAuth: UNKNOWN_USER 192, WRONG_PASSWORD 193, REQUIRED_PASSWORD 194,
// IP_ADDRESS_NOT_ALLOWED 195, ACCESS_DENIED 497, AUTHENTICATION_FAILED 516.
func (e exception) isAuth() bool {
	switch e.code {
	case 192, 193, 194, 195, 497, 516:
		return true
	}
	return strings.Contains(e.text, "Authentication failed") || strings.Contains(e.text, "password is incorrect")
}

var versionRE = regexp.MustCompile(`^\d{1,4}\.\d{1,4}(\.\d{1,6}){0,2}$`)

func looksLikeVersion(s string) bool { return versionRE.MatchString(s) }

// row is one JSONEachRow line: the raw bytes (cut to maxBytes) and the decoded object.
type row struct {
	raw    []byte
	format string
	doc    map[string]any
}

// parseRows splits a JSONEachRow answer, keeping at most n rows.
func parseRows(b []byte, n, maxBytes int) ([]row, error) {
	var out []row
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(out) >= n {
			break
		}
		var doc map[string]any
		d := json.NewDecoder(bytes.NewReader(line))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil {
			return nil, probe.Protocolf("JSONEachRow: %v", err)
		}
		r := row{raw: bytes.Clone(line), format: "json", doc: doc}
		if maxBytes > 0 && len(r.raw) > maxBytes {
			r.raw, r.format = r.raw[:maxBytes], "text"
		}
		out = append(out, r)
	}
	return out, nil
}

// asCount reads a UInt64 that ClickHouse may quote ("1000") or not; nil for
// anything negative, fractional or absent.
func asCount(v any) *int64 {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil
	}
	return event.Int64(n)
}

func asString(v any) string { s, _ := v.(string); return s }

type table struct {
	db, name, engine string
	rows, bytes      *int64
	modified         *time.Time
}

func tableRow(doc map[string]any) table {
	t := table{db: asString(doc["database"]), name: asString(doc["name"]), engine: asString(doc["engine"]),
		rows: asCount(doc["total_rows"]), bytes: asCount(doc["total_bytes"])}
	if ts, err := time.Parse(time.DateTime, asString(doc["modified"])); err == nil && ts.Year() > 1970 {
		t.modified = &ts
	}
	return t
}

type partRow struct {
	db, table   string
	rows, bytes *int64
}

func parseParts(doc map[string]any) partRow {
	return partRow{db: asString(doc["database"]), table: asString(doc["table"]),
		rows: asCount(doc["rows"]), bytes: asCount(doc["bytes"])}
}

// parseCount reads the TabSeparated answer of SELECT count().
func parseCount(b []byte) *int64 {
	return asCount(strings.TrimSpace(string(b[:min(len(b), 32)])))
}

func fieldNames(doc map[string]any, max int) []string {
	var f []string
	for k := range doc {
		f = append(f, k)
	}
	slices.Sort(f)
	return f[:min(len(f), max)]
}
