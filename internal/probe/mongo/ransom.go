package mongo

import (
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Names that ransom bots give the database or collection holding their note
// after wiping an exposed MongoDB (READ_ME_TO_RECOVER_YOUR_DATA, README,
// WARNING, meow...).
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

func (x *explorer) indicate(db, coll string) {
	name, what := db, "database"
	if coll != "" {
		name, what = db+"."+coll, "collection"
	}
	m := ransomMatch(db)
	if coll != "" {
		m = ransomMatch(coll)
	}
	if m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
