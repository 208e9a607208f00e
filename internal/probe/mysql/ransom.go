package mysql

import (
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Names that ransom bots give the schema or table holding their note after
// wiping an exposed MySQL (WARNING, README, RECOVER_YOUR_DATA...).
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

func (x *explorer) indicate(schema, table string) {
	name, what, m := schema, "schema", ransomMatch(schema)
	if table != "" {
		name, what, m = schema+"."+table, "table", ransomMatch(table)
	}
	if m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
