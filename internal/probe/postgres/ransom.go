package postgres

import (
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// indicate records a ransom-note indicator when db or table looks like one.
func (x *explorer) indicate(db, table string) {
	name, what := db, "database"
	if table != "" {
		name, what = table, "table"
	}
	if _, t, ok := strings.Cut(name, "."); ok && table != "" {
		name = t
	}
	if m := probe.RansomNameMatch(name); m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
