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

// NamePattern matches a normalised container name (lower case, letters and
// digits only: "READ_ME-to-recover" → "readmetorecover").
type NamePattern struct {
	Prefix   string
	Exact    string
	Contains string
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
	{Contains: "meow"},
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

// normaliseName keeps the lower-case letters and digits of a name.
func normaliseName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (p NamePattern) matches(norm string, docs int64) bool {
	if p.MaxDocuments > 0 && docs > p.MaxDocuments {
		return false
	}
	switch {
	case p.Exact != "":
		return norm == p.Exact
	case p.Prefix != "":
		return strings.HasPrefix(norm, p.Prefix)
	case p.Contains != "":
		return strings.Contains(norm, p.Contains)
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
		norm := normaliseName(name)
		for _, p := range RansomNames {
			if norm != "" && p.matches(norm, docs) {
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
// deletes everything; ransom gangs delete and leave a note).
func wiped(ev, prev *event.Event) (event.Indicator, bool) {
	if prev == nil || prev.Dataset == nil || prev.Status != event.StatusOpen {
		return event.Indicator{}, false
	}
	before := documentsOf(prev)
	if before < wipeMinDocuments {
		return event.Indicator{}, false
	}
	now := documentsOf(ev)
	if now*wipeRemainShare > before {
		return event.Indicator{}, false
	}
	current := map[string]int64{}
	if ev.Dataset != nil {
		for i := range ev.Dataset.Containers {
			c := &ev.Dataset.Containers[i]
			current[ContainerKey(c)] = docCount(c)
		}
	}
	var gone []string
	for i := range prev.Dataset.Containers {
		c := &prev.Dataset.Containers[i]
		was := docCount(c)
		if was <= 0 {
			continue
		}
		if is, ok := current[ContainerKey(c)]; !ok || is*wipeRemainShare <= was {
			gone = append(gone, fmt.Sprintf("%s %s→%s", quoteName(ContainerKey(c)), formatCount(was), formatCount(max(is, 0))))
		}
	}
	detail := fmt.Sprintf("%s on %s, %s now", documentsText(before), prev.Time.UTC().Format("2006-01-02 15:04 UTC"), documentsText(now))
	if len(gone) > 0 {
		detail += "; emptied or deleted: " + joinLimited(gone, 5, ", ")
	}
	return event.Indicator{Kind: "wiped", Detail: detail}, true
}

func documentsOf(ev *event.Event) int64 {
	if ev.Dataset == nil {
		return 0
	}
	var n int64
	for i := range ev.Dataset.Containers {
		n += max(docCount(&ev.Dataset.Containers[i]), 0)
	}
	return n
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
