package elastic

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Ransom notes left by wiping bots are indices named like these (LeakIX and
// incident reports: "read_me", "readme", "how_to_recover_your_data",
// "meow"...). Names are compared lowercased with "-", "." and " " as "_".
var (
	ransomPrefixes = []string{"read_me", "readme", "please_read", "how_to_recover", "how_to_restore",
		"how_to_get_data", "recover_your", "restore_your", "your_data", "hacked", "pwned"}
	ransomExact  = []string{"warning", "recovery_info", "backup_info"}
	ransomInside = []string{"meow", "read_me", "readme", "ransom"}
	// bitcoinAddress matches legacy (1…, 3…) and bech32 (bc1…) addresses.
	bitcoinAddress = regexp.MustCompile(`\b(bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b`)
	noteEmail      = regexp.MustCompile(`[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}`)
)

// maxRansomIndicators bounds the per-index ransom-note indicators; the rest
// are summed up in one.
const maxRansomIndicators = 20

func normaliseName(name string) string {
	n := strings.ToLower(strings.TrimLeft(name, "."))
	return strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(n)
}

// isRansomName reports whether an index is named like a ransom note.
func isRansomName(name string) bool {
	n := normaliseName(name)
	for _, p := range ransomPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	for _, e := range ransomExact {
		if n == e {
			return true
		}
	}
	for _, s := range ransomInside {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// ransomIndicators flags ransom-note indices, says what their sampled note
// asks for (a bitcoin address, shortened; a contact e-mail is only counted)
// and whether the other user indices look wiped.
func ransomIndicators(indices []*index) []event.Indicator {
	var out []event.Indicator
	var notes []string
	othersDocs, others := int64(0), 0
	for _, ix := range indices {
		if !isRansomName(ix.name) {
			if !ix.hidden {
				others++
				if ix.docs.set {
					othersDocs += ix.docs.v
				} else {
					othersDocs++ // unknown: assume not wiped
				}
			}
			continue
		}
		notes = append(notes, ix.name)
		if len(notes) > maxRansomIndicators {
			continue // counted in the summary below
		}
		detail := fmt.Sprintf("index %q is named like a ransom note", ix.name)
		if ix.docs.set {
			detail += fmt.Sprintf(" (%d document%s)", ix.docs.v, map[bool]string{true: "", false: "s"}[ix.docs.v == 1])
		}
		var mentions []string
		for _, s := range ix.samples {
			if a := bitcoinAddress.Find(s.Data); a != nil {
				mentions = append(mentions, "bitcoin address "+shorten(string(a)))
				break
			}
		}
		for _, s := range ix.samples {
			if noteEmail.Match(s.Data) {
				mentions = append(mentions, "a contact e-mail address")
				break
			}
		}
		if len(mentions) > 0 {
			detail += "; the note mentions " + strings.Join(mentions, " and ")
		}
		out = append(out, event.Indicator{Kind: "ransom-note", Container: ix.name, Detail: detail})
	}
	if extra := len(notes) - maxRansomIndicators; extra > 0 {
		out = append(out, event.Indicator{Kind: "ransom-note",
			Detail: fmt.Sprintf("%d more indices are named like ransom notes", extra)})
	}
	if len(notes) > 0 && othersDocs == 0 {
		out = append(out, event.Indicator{Kind: "wiped",
			Detail: fmt.Sprintf("only ransom-note indices hold data (%d other user indices, all empty)", others)})
	}
	return out
}

// shorten keeps the ends of an identifier: "bc1qxy…0wlh".
func shorten(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}
