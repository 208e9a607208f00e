package assess

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/leakwatch/leakwatch/internal/event"
)

// maxNameRunes bounds a container name quoted in a sentence.
const maxNameRunes = 80

// cleanText makes server-controlled text safe to put in a sentence: control
// characters become spaces, backticks become quotes (reports use backticks
// for commands they write themselves), and long text is cut.
func cleanText(s string, maxRunes int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxRunes {
			b.WriteString("…")
			break
		}
		switch {
		case r == '`':
			r = '\''
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// quoteName quotes a container name for a sentence.
func quoteName(name string) string {
	if name == "" {
		return `""`
	}
	return `"` + cleanText(name, maxNameRunes) + `"`
}

// subjectOf names a container in a sentence: `index "config"`.
func subjectOf(cf *containerFacts) string {
	kind := cf.Kind
	if kind == "" {
		kind = "container"
	}
	return cleanText(kind, 30) + " " + quoteName(cf.Key)
}

// serviceSubject names the service in a sentence: `Redis 7.0.15 at 10.0.0.5:6379`.
func serviceSubject(ev *event.Event) string {
	name := "the service"
	if ev.Service != nil {
		switch {
		case ev.Service.Product != "":
			name = cleanText(ev.Service.Product, 40)
		case ev.Service.Name != "":
			name = cleanText(ev.Service.Name, 40)
		}
		if ev.Service.Version != "" {
			name += " " + cleanText(ev.Service.Version, 30)
		}
	}
	return name + " at " + address(ev)
}

// address is ip:port, with brackets for IPv6.
func address(ev *event.Event) string {
	ip := cleanText(ev.IP, 45)
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	return ip + ":" + strconv.Itoa(ev.Port)
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// joinLimited joins at most n items and counts the rest.
func joinLimited(items []string, n int, sep string) string {
	if len(items) <= n {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:n], sep) + sep + strconv.Itoa(len(items)-n) + " more"
}

// formatCount writes 1234567 as "1,234,567".
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
