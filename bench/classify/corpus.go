// Package classifybench generates a labelled corpus of leak-shaped JSON
// documents (SMS logs, customer records, chat messages, app logs, service
// configs, user accounts, orders), scores internal/classify against it and
// measures its throughput. See docs/classify.md for the commands and the
// figures.
//
// The corpus is synthetic and written by the same hands as the detectors:
// it is a regression gate with hard negatives (Luhn-valid order ids,
// hex checksums, UUIDs, versions, public hosts and addresses, log lines in
// "message" fields), not an independent measure of real-world accuracy.
package classifybench

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Label is one expected detection: a field path and a data type.
type Label struct {
	Field string `json:"field"`
	Type  string `json:"type"`
}

// Doc is one generated JSON document and what a classifier should find.
type Doc struct {
	Data   []byte
	Labels []Label
}

// gen builds one document: fields in order, labels by path.
type gen struct {
	r      *rand.Rand
	buf    []byte
	labels []Label
}

// Generate returns n documents from seed (deterministic).
func Generate(seed uint64, n int) []Doc {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	docs := make([]Doc, 0, n)
	kinds := []func(){g.sms, g.sms, g.customer, g.chat, g.appLog, g.appLog, g.config, g.account, g.order, g.order,
		g.crm, g.k8s, g.oauth, g.analytics, g.ticket}
	for i := 0; i < n; i++ {
		g.buf, g.labels = g.buf[:0], nil
		kinds[g.r.IntN(len(kinds))]()
		docs = append(docs, Doc{Data: append([]byte(nil), g.buf...), Labels: g.labels})
	}
	return docs
}

// --- a tiny ordered JSON writer ---

type obj []kv
type kv struct {
	k string
	v any
}

// lv is a labelled value: the value and the types expected at its path.
type lv struct {
	v     any
	types []string
}

func L(v any, types ...string) lv { return lv{v, types} }

func (g *gen) write(path string, v any) {
	switch x := v.(type) {
	case obj:
		g.buf = append(g.buf, '{')
		for i, f := range x {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			k, _ := json.Marshal(f.k)
			g.buf = append(g.buf, k...)
			g.buf = append(g.buf, ':')
			g.write(join(path, f.k), f.v)
		}
		g.buf = append(g.buf, '}')
	case []any:
		g.buf = append(g.buf, '[')
		for i, e := range x {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.write(join(path, strconv.Itoa(i)), e)
		}
		g.buf = append(g.buf, ']')
	case lv:
		for _, t := range x.types {
			g.labels = append(g.labels, Label{path, t})
		}
		g.write(path, x.v)
	default:
		b, _ := json.Marshal(x)
		g.buf = append(g.buf, b...)
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (g *gen) emit(o obj) { g.write("", o) }

// --- random pieces ---

func (g *gen) pick(s ...string) string { return s[g.r.IntN(len(s))] }
func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}
func (g *gen) chars(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	alnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64     = alnum + "+/"
	b64url  = alnum + "-_"
	hexLow  = "0123456789abcdef"
	base32U = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

var (
	firstNames = []string{"jane", "john", "maria", "wei", "olga", "ahmed", "lucas", "emma", "noah", "sofia", "liam", "ava"}
	lastNames  = []string{"doe", "smith", "garcia", "chen", "ivanova", "hassan", "martin", "brown", "mueller", "rossi"}
	domains    = []string{"example.com", "mail.example.org", "example.net", "corp-mail.example.com", "gmail.example"}
	cities     = []string{"Springfield", "Riverton", "Lakeside", "Fairview", "Georgetown"}
)

func (g *gen) name() string {
	return title(g.pick(firstNames...)) + " " + title(g.pick(lastNames...))
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func (g *gen) email() string {
	return g.pick(firstNames...) + g.pick(".", "_", "") + g.pick(lastNames...) + g.pick("", strconv.Itoa(g.r.IntN(99))) + "@" + g.pick(domains...)
}

// nanp returns ten NANP digits (area, exchange starting 2-9).
func (g *gen) nanp() string {
	area := g.pick("555", "415", "212", "646", "312", "702", "206")
	return area + strconv.Itoa(2+g.r.IntN(8)) + g.digits(2) + g.digits(4)
}

// phone returns a phone number in one of the formats people store.
func (g *gen) phone() string {
	d := g.nanp()
	switch g.r.IntN(8) {
	case 0:
		return "+1 (" + d[:3] + ") " + d[3:6] + "-" + d[6:]
	case 1:
		return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
	case 2:
		return d[:3] + "-" + d[3:6] + "-" + d[6:]
	case 3:
		return "+44 7" + g.digits(3) + " " + g.digits(6)
	case 4:
		return "+33 6 " + g.digits(2) + " " + g.digits(2) + " " + g.digits(2) + " " + g.digits(2)
	case 5:
		return "+4915" + g.digits(9)
	}
	return "+1" + d
}

func (g *gen) maskedPhone() string {
	d := g.nanp()
	return g.pick("+1"+d[:3]+"***"+d[6:], "+1 ("+d[:3]+") XXX-"+d[6:], "+44 7700 ****"+g.digits(2))
}

func (g *gen) sentence() string {
	s := []string{
		"hey are you still coming to the party tonight?",
		"Your appointment with Dr. Smith is confirmed for Tuesday at 3pm",
		"I left the keys under the mat, see you soon",
		"can you pick up milk and bread on the way home",
		"Happy birthday! hope you have a wonderful day",
		"The meeting moved to the second floor conference room",
		"sorry I missed your call, will ring back after lunch",
		"Your package has shipped and will arrive on Friday",
		"thanks for dinner last night, it was lovely",
		"don't forget the school play starts at six",
	}
	return g.pick(s...)
}

// luhnComplete appends the Luhn check digit to prefix.
func luhnComplete(prefix string) string {
	sum := 0
	for i := len(prefix) - 1; i >= 0; i-- {
		n := int(prefix[i] - '0')
		if (len(prefix)-1-i)%2 == 0 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return prefix + strconv.Itoa((10-sum%10)%10)
}

func (g *gen) card() string {
	switch g.r.IntN(3) {
	case 0:
		return luhnComplete("4" + g.digits(14))
	case 1:
		return luhnComplete("5" + strconv.Itoa(1+g.r.IntN(5)) + g.digits(13))
	}
	return luhnComplete(g.pick("34", "37") + g.digits(12))
}

func group4(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func (g *gen) iban() string {
	var cc, bban string
	switch g.r.IntN(3) {
	case 0:
		cc, bban = "DE", g.digits(18)
	case 1:
		cc, bban = "GB", g.chars(4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")+g.digits(14)
	default:
		cc, bban = "NL", g.chars(4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")+g.digits(10)
	}
	rem := 0
	for _, c := range bban + cc + "00" {
		if c >= 'A' && c <= 'Z' {
			rem = (rem*100 + int(c-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return fmt.Sprintf("%s%02d%s", cc, 98-rem, bban)
}

func (g *gen) ssn() string {
	area := 1 + g.r.IntN(665)
	if g.r.IntN(2) == 0 {
		area = 667 + g.r.IntN(232)
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
}

func (g *gen) privateIP() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	case 1:
		return fmt.Sprintf("172.%d.%d.%d", 16+g.r.IntN(16), g.r.IntN(256), 1+g.r.IntN(254))
	}
	return fmt.Sprintf("192.168.%d.%d", g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *gen) publicIP() string {
	return fmt.Sprintf("%s.%d", g.pick("203.0.113", "198.51.100", "8.8.4", "151.101.1"), 1+g.r.IntN(254))
}

func (g *gen) internalHost() string {
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("ip-10-%d-%d-%d.ec2.internal", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	case 1:
		return g.pick("redis-master", "postgres", "kafka-0") + "." + g.pick("cache", "data", "default") + ".svc.cluster.local"
	case 2:
		return g.pick("db01", "ldap", "git", "jenkins") + ".corp.internal"
	case 3:
		return g.pick("nas", "printer", "router") + ".lan"
	}
	return g.pick("wiki", "hr", "intranet-portal") + "." + g.pick("acme", "example") + ".intranet"
}

func (g *gen) password() (string, string) {
	switch g.r.IntN(6) {
	case 0:
		return "$2b$12$" + g.chars(53, alnum+"./"), "password_hash"
	case 1:
		return g.chars(64, hexLow), "password_hash"
	case 2:
		return g.chars(32, hexLow), "password_hash"
	case 3:
		return g.pick("Summer", "Winter", "Dragon", "Monkey") + strconv.Itoa(2000+g.r.IntN(30)) + g.pick("!", "#", ""), "password"
	}
	return g.chars(8+g.r.IntN(8), alnum+"!@#%"), "password"
}

func (g *gen) jwt() string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%d","name":"%s","iat":%d}`, g.r.IntN(1e6), g.name(), 1700000000+g.r.IntN(1e7))))
	sig := make([]byte, 32)
	for i := range sig {
		sig[i] = byte(g.r.IntN(256))
	}
	return h + "." + p + "." + enc.EncodeToString(sig)
}

func (g *gen) pem() string {
	var b strings.Builder
	kind := g.pick("RSA ", "EC ", "OPENSSH ", "")
	b.WriteString("-----BEGIN " + kind + "PRIVATE KEY-----\n")
	for i := 0; i < 6; i++ {
		b.WriteString(g.chars(64, b64) + "\n")
	}
	b.WriteString("-----END " + kind + "PRIVATE KEY-----\n")
	return b.String()
}

func (g *gen) uuid() string {
	h := g.chars(32, hexLow)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *gen) ts() string {
	return fmt.Sprintf("2025-%02d-%02dT%02d:%02d:%02dZ", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
}
