package mongo

import (
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// indicate records a ransom-note indicator when a container is named like one.
func (x *explorer) indicate(db, coll string) {
	name, what := db, "database"
	if coll != "" {
		name, what = db+"."+coll, "collection"
	}
	m := probe.RansomNameMatch(db)
	if coll != "" {
		m = probe.RansomNameMatch(coll)
	}
	if m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
