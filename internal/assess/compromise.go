package assess

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Indicator kinds that mean "someone already got in", as opposed to notes
// like a deprecated version.
var compromiseKinds = map[string]bool{"ransom-note": true, "wiped": true, "suspicious-config": true}

// NamePattern matches a container name split into lower-case words at every
// character that is not a letter or digit ("READ_ME-to-recover" → read, me,
// to, recover). Prefix and Suffix must end (or start) on a word boundary, so
// "read_me" matches "readme" but "read_messages" does not, and "x7k-meow"
// matches "meow" but "homeowners" does not.
type NamePattern struct {
	Prefix string
	Suffix string
	Exact  string
	// MaxDocuments: the name only counts when the container holds at most
	// this many documents (or an unknown number); 0 = any size. A note is a
	// handful of documents, a real "readme" dataset is not.
	MaxDocuments int64
}

// RansomNames are container names that ransom gangs use (seen by LeakIX and
// in incident reports: the Meow attack, READ_ME / WARNING databases,
// recover_your_data tables, CouchDB "wegeturdb").
var RansomNames = []NamePattern{
	{Prefix: "readme", MaxDocuments: 100},
	{Exact: "warning", MaxDocuments: 100},
	{Prefix: "howtorecover", MaxDocuments: 100},
	{Prefix: "howtorestore", MaxDocuments: 100},
	{Prefix: "recoveryour", MaxDocuments: 100},
	{Prefix: "pleaseread", MaxDocuments: 100},
	{Prefix: "wegeturdb", MaxDocuments: 100},
	// The Meow bot leaves "<random>-meow" names ("homeowners" must not match).
	{Suffix: "meow"},
}

// SuspiciousSetting is a server setting value that attackers use to turn a
// datastore into a file writer (Redis CONFIG SET dir/dbfilename). Probes
// report these as "suspicious-config"; this table is a second look at the
// facts they keep in Service.Info.
type SuspiciousSetting struct {
	Service  string // probe id
	Key      string // Service.Info key
	Contains []string
}

var SuspiciousSettings = []SuspiciousSetting{
	{Service: "redis", Key: "dir", Contains: []string{"/.ssh", "/cron", "/etc/", "/var/spool", "/var/www", "/boot"}},
	{Service: "redis", Key: "dbfilename", Contains: []string{"authorized_keys", "crontab", "root", ".so", ".php", ".sh", "passwd"}},
}

// wipe thresholds: at least wipeMinDocuments before, at most a tenth after.
const (
	wipeMinDocuments = 1_000
	wipeRemainShare  = 10
	loneDocumentMax  = 3
)

var (
	bitcoinAddress = regexp.MustCompile(`\b(bc1[ac-hj-np-z02-9]{25,87}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b`)
	emailAddress   = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
)

// detectCompromise returns every compromise sign: those the probes reported
// and those found here (ransom names, notes in samples, wipes, settings).
func detectCompromise(ev, prev *event.Event) []event.Indicator {
	var out []event.Indicator
	seen := map[string]bool{}
	add := func(in event.Indicator) {
		k := in.Kind + "\x00" + in.Container
		if in.Container == "" {
			k += "\x00" + in.Detail
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, in)
		}
	}
	for _, in := range ev.Indicators {
		if compromiseKinds[in.Kind] {
			add(in)
		}
	}
	if ev.Status != event.StatusOpen {
		return out
	}
	if ev.Dataset != nil {
		for i := range ev.Dataset.Containers {
			c := &ev.Dataset.Containers[i]
			if reportedRansom(out, c) {
				continue
			}
			if in, ok := ransomContainer(ev, c); ok {
				add(in)
			}
		}
	}
	if in, ok := wiped(ev, prev); ok {
		add(in)
	}
	if !hasKind(out, "suspicious-config") {
		for _, in := range suspiciousSettings(ev) {
			add(in)
		}
	}
	return out
}

// nameWords splits a name into lower-case runs of letters and digits.
func nameWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
}

func (p NamePattern) matches(words []string, docs int64) bool {
	if len(words) == 0 || p.MaxDocuments > 0 && docs > p.MaxDocuments {
		return false
	}
	switch {
	case p.Exact != "":
		return strings.Join(words, "") == p.Exact
	case p.Prefix != "":
		joined := ""
		for _, w := range words {
			joined += w
			if joined == p.Prefix {
				return true
			}
			if len(joined) >= len(p.Prefix) {
				return false
			}
		}
	case p.Suffix != "":
		joined := ""
		for i := len(words) - 1; i >= 0; i-- {
			joined = words[i] + joined
			if joined == p.Suffix {
				return true
			}
			if len(joined) >= len(p.Suffix) {
				return false
			}
		}
	}
	return false
}

// ransomContainer looks for a note by name, then for a lone document that
// holds a bitcoin address and an e-mail contact.
func ransomContainer(ev *event.Event, c *event.Container) (event.Indicator, bool) {
	key := ContainerKey(c)
	docs := int64(-1)
	if c.Documents != nil {
		docs = *c.Documents
	}
	for _, name := range []string{c.Name, c.Parent} {
		words := nameWords(name)
		for _, p := range RansomNames {
			if p.matches(words, docs) {
				return event.Indicator{Kind: "ransom-note", Container: key,
					Detail: fmt.Sprintf("the name %s is one ransom gangs use (%s)", quoteName(name), documentsText(docs))}, true
			}
		}
	}
	lone := docs >= 1 && docs <= loneDocumentMax || docs < 0 && len(c.Samples) >= 1 && len(c.Samples) <= loneDocumentMax
	if !lone {
		return event.Indicator{}, false
	}
	for _, s := range c.Samples {
		btc := findBitcoinAddress(s.Data)
		if btc == "" {
			continue
		}
		if emailAddress.Match(s.Data) || hasFinding(ev, key, "email") {
			return event.Indicator{Kind: "ransom-note", Container: key,
				Detail: fmt.Sprintf("a lone document holds a bitcoin address (%s…) and an e-mail contact", btc[:6])}, true
		}
	}
	return event.Indicator{}, false
}

// reportedRansom reports whether a probe already flagged c as a ransom note,
// under any of the names a container goes by.
func reportedRansom(ins []event.Indicator, c *event.Container) bool {
	for _, in := range ins {
		if in.Kind == "ransom-note" && (in.Container == ContainerKey(c) || in.Container == c.Name ||
			c.Parent != "" && in.Container == c.Parent+"/"+c.Name) {
			return true
		}
	}
	return false
}

func hasKind(ins []event.Indicator, kind string) bool {
	for _, in := range ins {
		if in.Kind == kind {
			return true
		}
	}
	return false
}

func hasFinding(ev *event.Event, container, typ string) bool {
	for _, f := range ev.Findings {
		if f.Container == container && f.Type == typ {
			return true
		}
	}
	return false
}

// findBitcoinAddress returns the first bech32-looking or checksum-valid
// base58 address in data. The checksum keeps random ids out.
func findBitcoinAddress(data []byte) string {
	for _, m := range bitcoinAddress.FindAll(data, 20) {
		if bytes.HasPrefix(m, []byte("bc1")) || base58CheckValid(string(m)) {
			return string(m)
		}
	}
	return ""
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58CheckValid decodes a base58 string and checks its 4-byte double-SHA-256 checksum.
func base58CheckValid(s string) bool {
	if len(s) > 64 {
		return false
	}
	// Big-endian base-256 accumulator; 35 base58 digits fit in 26 bytes.
	out := make([]byte, 0, 32)
	for _, r := range s {
		d := strings.IndexRune(base58Alphabet, r)
		if d < 0 {
			return false
		}
		carry := d
		for i := len(out) - 1; i >= 0; i-- {
			carry += int(out[i]) * 58
			out[i] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			out = append([]byte{byte(carry)}, out...)
			carry >>= 8
		}
	}
	for _, r := range s {
		if r != '1' {
			break
		}
		out = append([]byte{0}, out...)
	}
	if len(out) != 25 {
		return false
	}
	h1 := sha256.Sum256(out[:21])
	h2 := sha256.Sum256(h1[:])
	return bytes.Equal(h2[:4], out[21:])
}

// wiped compares the documents of two observations: a drop from at least
// wipeMinDocuments to at most a tenth is a compromise sign (the Meow attack
// deletes everything; ransom gangs delete and leave a note). Only evidence
// counts: a container whose count is unknown now, or missing from an
// inventory that stopped at a limit, is taken as unchanged.
func wiped(ev, prev *event.Event) (event.Indicator, bool) {
	if prev == nil || prev.Dataset == nil || prev.Status != event.StatusOpen || ev.Dataset == nil {
		return event.Indicator{}, false
	}
	current := map[string]int64{}
	for i := range ev.Dataset.Containers {
		c := &ev.Dataset.Containers[i]
		current[ContainerKey(c)] = docCount(c)
	}
	var before, now int64
	var gone []string
	inPrev := map[string]bool{}
	for i := range prev.Dataset.Containers {
		c := &prev.Dataset.Containers[i]
		key := ContainerKey(c)
		inPrev[key] = true
		was := docCount(c)
		if was <= 0 {
			continue
		}
		before += was
		is, listed := current[key]
		switch {
		case !listed && ev.Dataset.Truncated, listed && is < 0:
			now += was // no evidence either way
		case !listed || is*wipeRemainShare <= was:
			now += max(is, 0)
			gone = append(gone, fmt.Sprintf("%s %s→%s", quoteName(key), formatCount(was), formatCount(max(is, 0))))
		default:
			now += is
		}
	}
	for key, is := range current {
		if !inPrev[key] && is > 0 {
			now += is // renamed or re-indexed data is not wiped
		}
	}
	if before < wipeMinDocuments || now*wipeRemainShare > before {
		return event.Indicator{}, false
	}
	detail := fmt.Sprintf("%s on %s, %s now", documentsText(before), prev.Time.UTC().Format("2006-01-02 15:04 UTC"), documentsText(now))
	if len(gone) > 0 {
		detail += "; emptied or deleted: " + joinLimited(gone, 5, ", ")
	}
	return event.Indicator{Kind: "wiped", Detail: detail}, true
}

func docCount(c *event.Container) int64 {
	if c.Documents == nil {
		return -1
	}
	return *c.Documents
}

// suspiciousSettings checks SuspiciousSettings against Service.Info.
func suspiciousSettings(ev *event.Event) []event.Indicator {
	if ev.Service == nil {
		return nil
	}
	var out []event.Indicator
	for _, s := range SuspiciousSettings {
		if s.Service != ev.Service.Name {
			continue
		}
		v, ok := ev.Service.Info[s.Key]
		if !ok {
			continue
		}
		lv := strings.ToLower(v)
		for _, c := range s.Contains {
			if strings.Contains(lv, c) {
				out = append(out, event.Indicator{Kind: "suspicious-config",
					Detail: fmt.Sprintf("%s is %s", s.Key, quoteName(v))})
				break
			}
		}
	}
	return out
}
