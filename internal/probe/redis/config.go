package redis

import (
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// configIndicators reads CONFIG GET dir and dbfilename (read-only; often
// renamed or ACL-denied, then silently skipped). An attacker who can write
// to an open Redis points dir/dbfilename at an SSH authorized_keys file or a
// crontab and calls SAVE: such values are a sign of a past or running attack.
func configIndicators(c *conn) []event.Indicator {
	var out []event.Indicator
	for _, param := range []string{"dir", "dbfilename"} {
		v, err := c.do("CONFIG", "GET", param)
		if err != nil || v.Kind != KindArray || len(v.Array) != 2 {
			continue
		}
		val := v.Array[1].String()
		if why := suspiciousPath(val); why != "" {
			out = append(out, event.Indicator{Kind: "suspicious-config",
				Detail: "CONFIG " + param + " = " + clipString(val, 120) + " (" + why + ")"})
		}
	}
	return out
}

// suspiciousPath names why a dir or dbfilename value looks like an attack.
func suspiciousPath(p string) string {
	l := strings.ToLower(p)
	switch {
	case strings.Contains(l, ".ssh") || strings.Contains(l, "authorized_keys"):
		return "SSH key injection"
	case strings.Contains(l, "cron"):
		return "crontab injection"
	case strings.HasPrefix(l, "/etc") || strings.HasPrefix(l, "/boot") || l == "/root":
		return "system directory"
	case strings.Contains(l, "/www") || strings.Contains(l, "/html") || strings.HasSuffix(l, ".php") || strings.HasSuffix(l, ".jsp"):
		return "web shell"
	}
	return ""
}
