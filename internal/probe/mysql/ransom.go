package mysql

import (
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// indicate records a ransom-note indicator when a container is named like one.
func (x *explorer) indicate(schema, table string) {
	name, what, m := schema, "schema", probe.RansomNameMatch(schema)
	if table != "" {
		name, what, m = schema+"."+table, "table", probe.RansomNameMatch(table)
	}
	if m != "" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "ransom-note", Container: name,
			Detail: what + " named like a ransom note (" + m + ")"})
	}
}
