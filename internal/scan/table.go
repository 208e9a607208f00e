package scan

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
)

// WriteTable prints rows as an aligned table. The severity column appears
// only when some row was assessed.
func WriteTable(w io.Writer, rows []Row) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "no open ports found")
		return err
	}
	withSeverity := false
	for _, r := range rows {
		if r.Severity != "" {
			withSeverity = true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "TARGET\tSERVICE\tVERSION\tSTATUS\tACCESS\tCONTAINERS\tDOCUMENTS"
	if withSeverity {
		head += "\tSEVERITY"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		cols := []string{r.Target, dash(r.Service), dash(r.Version), string(r.Status), dash(string(r.Access)),
			count(int64(r.Containers)), count(r.Documents)}
		if withSeverity {
			cols = append(cols, dash(string(r.Severity)))
		}
		for i := range cols {
			cols[i] = clean(cols[i])
		}
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func count(n int64) string {
	if n == 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

// clean keeps remote-controlled strings (versions, product names) from
// moving the terminal's cursor or breaking the table: control characters
// and tabs become '?', and a column is cut at 60 runes.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 60 {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
