package postgres

import (
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Names that ransom bots give the database or table holding their note after
// wiping an exposed server (seen in the wild on PostgreSQL and MySQL).
var (
	ransomPrefixes = []string{"readme", "read_me", "read__me", "warning", "please_read", "how_to_recover", "recover_"}
	ransomWords    = []string{"recover_your", "to_recover", "meow", "pwned", "bitcoin"}
)

// ransomMatch returns the pattern that name matches, or "".
func ransomMatch(name string) string {
	n := strings.ToLower(name)
	for _, p := range ransomPrefixes {
		if strings.HasPrefix(n, p) {
			return p
		}
	}
	for _, w := range ransomWords {
		if strings.Contains(n, w) {
			return w
		}
	}
	return ""
}

// indicate records a ransom-note indicator when db or table looks like one.
func (x *explorer) indicate(db, table string) {
	name, what := db, "database"
	if table != "" {
		name, what = table, "table"
	}
	if _, t, ok := strings.Cut(name, "."); ok && table != "" {
		name = t
	}
	if m := ransomMatch(name); m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
