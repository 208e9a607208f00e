package report

import (
	"strings"
)

// segment is a run of text; Code marks a command or setting that the
// assessment wrote between backticks.
type segment struct {
	Text string
	Code bool
}

// segments splits "Set `bind 127.0.0.1` now" into text and code. An
// unpaired backtick is kept as text. Server-controlled names never carry
// backticks (internal/assess replaces them), and each segment is escaped by
// its format anyway.
func segments(s string) []segment {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // odd number of backticks: the last one is literal
		last := len(parts) - 1
		parts[last-1] = parts[last-1] + "`" + parts[last]
		parts = parts[:last]
	}
	var out []segment
	for i, p := range parts {
		if p == "" {
			continue
		}
		out = append(out, segment{Text: p, Code: i%2 == 1})
	}
	return out
}

// mdEscape makes text inert in Markdown: HTML is entity-encoded (so no raw
// tags reach a renderer) and every Markdown punctuation is backslash-escaped,
// including "|" so that table cells stay cells.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '#', '!', '|', '~':
			// Enough to neutralise emphasis, links, images, code and table
			// cells; list and heading markers cannot occur because escaped
			// text never starts a line in our templates.
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdInline renders text with its code segments as code spans.
func mdInline(s string) string { return mdSpans(s, false) }

func mdSpans(s string, inTable bool) string {
	var b strings.Builder
	for _, seg := range segments(s) {
		if seg.Code {
			b.WriteString(mdCode(seg.Text, inTable))
		} else {
			b.WriteString(mdEscape(seg.Text))
		}
	}
	return b.String()
}

// mdCode wraps text in a code span whose fence is longer than any backtick
// run inside it. A "|" inside a code span still splits a GFM table cell, so
// it is escaped there (GFM removes that backslash inside the span).
func mdCode(s string, inTable bool) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || longest > 0 {
		s = " " + s + " "
	}
	return fence + s + fence
}
