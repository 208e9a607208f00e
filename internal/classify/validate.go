package classify

import (
	"encoding/base64"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Validators: checksums and structural rules that turn a shape match into a
// detection. They take the candidate's bytes and never allocate on the hot
// path.

// luhn reports whether the digits pass the Luhn checksum (cards).
func luhn(d []byte) bool {
	sum, alt := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if alt {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		alt = !alt
	}
	return sum%10 == 0
}

// cardIIN reports whether the digits start with an issuer range of a
// payment network and have that network's length. An unknown prefix is not a
// card: most 16-digit ids that pass Luhn fail here.
func cardIIN(d []byte) bool {
	n := len(d)
	p := func(k int) int {
		v := 0
		for i := 0; i < k && i < n; i++ {
			v = v*10 + int(d[i]-'0')
		}
		return v
	}
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720: // Mastercard
		return n == 16
	case p(2) == 34 || p(2) == 37: // American Express
		return n == 15
	case p(4) == 6011, p(2) == 65, p(3) >= 644 && p(3) <= 649: // Discover
		return n >= 16 && n <= 19
	case p(4) >= 3528 && p(4) <= 3589: // JCB
		return n >= 16 && n <= 19
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39: // Diners Club
		return n >= 14 && n <= 19
	case p(2) == 62: // UnionPay
		return n >= 16 && n <= 19
	case p(2) == 50, p(2) >= 56 && p(2) <= 58, p(2) == 63, p(2) == 67, p(4) == 604: // Maestro (0604: UK)
		return n >= 12 && n <= 19
	}
	return false
}

// ssnValid applies the SSA rules: area not 000, 666 or 9xx; group not 00;
// serial not 0000. d holds exactly nine digits.
func ssnValid(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	group := int(d[3]-'0')*10 + int(d[4]-'0')
	serial := int(d[5]-'0')*1000 + int(d[6]-'0')*100 + int(d[7]-'0')*10 + int(d[8]-'0')
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	// Numbers the SSA published in advertising and never issues.
	return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999)
}

// ibanLengths is the IBAN length of each country (SWIFT IBAN registry).
var ibanLengths = map[[2]byte]int{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'Z'}: 28, {'B', 'A'}: 20,
	{'B', 'E'}: 16, {'B', 'G'}: 22, {'B', 'H'}: 22, {'B', 'R'}: 29, {'B', 'Y'}: 28, {'C', 'H'}: 21,
	{'C', 'R'}: 22, {'C', 'Y'}: 28, {'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'K'}: 18, {'D', 'O'}: 28,
	{'E', 'E'}: 20, {'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18, {'F', 'O'}: 18, {'F', 'R'}: 27,
	{'G', 'B'}: 22, {'G', 'E'}: 22, {'G', 'I'}: 23, {'G', 'L'}: 18, {'G', 'R'}: 27, {'G', 'T'}: 28,
	{'H', 'R'}: 21, {'H', 'U'}: 28, {'I', 'E'}: 22, {'I', 'L'}: 23, {'I', 'Q'}: 23, {'I', 'S'}: 26,
	{'I', 'T'}: 27, {'J', 'O'}: 30, {'K', 'W'}: 30, {'K', 'Z'}: 20, {'L', 'B'}: 28, {'L', 'C'}: 32,
	{'L', 'I'}: 21, {'L', 'T'}: 20, {'L', 'U'}: 20, {'L', 'V'}: 21, {'M', 'C'}: 27, {'M', 'D'}: 24,
	{'M', 'E'}: 22, {'M', 'K'}: 19, {'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30, {'N', 'L'}: 18,
	{'N', 'O'}: 15, {'P', 'K'}: 24, {'P', 'L'}: 28, {'P', 'S'}: 29, {'P', 'T'}: 25, {'Q', 'A'}: 29,
	{'R', 'O'}: 24, {'R', 'S'}: 22, {'S', 'A'}: 24, {'S', 'C'}: 31, {'S', 'E'}: 24, {'S', 'I'}: 19,
	{'S', 'K'}: 24, {'S', 'M'}: 27, {'S', 'T'}: 25, {'S', 'V'}: 28, {'T', 'L'}: 23, {'T', 'N'}: 24,
	{'T', 'R'}: 26, {'U', 'A'}: 29, {'V', 'A'}: 22, {'V', 'G'}: 24, {'X', 'K'}: 20,
}

// ibanValid checks the country length and the ISO 7064 mod-97 checksum of a
// compact (no spaces) upper-case IBAN candidate.
func ibanValid(s []byte) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if want, ok := ibanLengths[[2]byte{s[0], s[1]}]; !ok || want != len(s) {
		return false
	}
	if !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	rem := 0
	add := func(c byte) bool {
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		default:
			return false
		}
		return true
	}
	for _, c := range s[4:] {
		if !add(c) {
			return false
		}
	}
	for _, c := range s[:4] {
		if !add(c) {
			return false
		}
	}
	return rem == 1
}

// nanpValid applies the North American numbering plan to ten digits: area
// code and exchange start with 2-9, and the area code is not an N11 service
// code. 555 area codes stay valid: fictional numbers are what test data and
// leaks of test data use.
func nanpValid(d []byte) bool {
	if len(d) != 10 {
		return false
	}
	if d[0] < '2' || d[3] < '2' {
		return false
	}
	return !(d[1] == '1' && d[2] == '1')
}

// callingCodes maps an international calling code (1-999) to a bit set of
// the possible national-number lengths, built once from libphonenumber's
// metadata: a length check that costs nanoseconds instead of a 30 µs parse.
var (
	callingCodesOnce sync.Once
	callingCodes     [1000]uint32
)

func loadCallingCodes() {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return
	}
	for _, md := range coll.GetMetadata() {
		cc := int(md.GetCountryCode())
		if cc <= 0 || cc >= 1000 {
			continue
		}
		for _, l := range md.GetGeneralDesc().GetPossibleLength() {
			if l > 0 && l < 32 {
				callingCodes[cc] |= 1 << uint(l)
			}
		}
	}
}

// intlPhone splits digits (after a '+') into a calling code and a national
// number of a possible length. It returns the calling code length, or 0.
func intlPhone(d []byte) int {
	callingCodesOnce.Do(loadCallingCodes)
	cc := 0
	for k := 1; k <= 3 && k < len(d); k++ {
		cc = cc*10 + int(d[k-1]-'0')
		mask := callingCodes[cc]
		if mask == 0 {
			continue
		}
		n := len(d) - k
		if n < 32 && mask&(1<<uint(n)) != 0 {
			if cc == 1 && !nanpValid(d[1:]) {
				return 0
			}
			return k
		}
		return 0 // calling codes are prefix-free
	}
	return 0
}

// phoneLibValid asks libphonenumber whether an international number is
// valid (assigned ranges). It is slow (~30 µs), so callers budget it.
func phoneLibValid(digits []byte) bool {
	num, err := phonenumbers.Parse("+"+string(digits), "")
	if err != nil {
		return false
	}
	return phonenumbers.IsValidNumber(num)
}

// cryptHash returns the length of a modular-crypt password hash at the
// start of s ($2b$, $5$, $6$, $argon2id$, $pbkdf2-...$, $1$ md5-crypt), or 0.
func cryptHash(s []byte) int {
	if len(s) < 8 || s[0] != '$' {
		return 0
	}
	end := 1
	for end < len(s) && isHashChar(s[end]) {
		end++
	}
	h := s[:end]
	dollars := 0
	for _, c := range h {
		if c == '$' {
			dollars++
		}
	}
	id := h[1:]
	for i, c := range id {
		if c == '$' {
			id = id[:i]
			break
		}
	}
	switch string(id) {
	case "2a", "2b", "2y", "2x":
		// $2b$10$ + 53 characters of bcrypt base64.
		if len(h) == 60 && dollars == 3 && isDigit(h[4]) && isDigit(h[5]) && h[6] == '$' {
			return 60
		}
	case "1", "5", "6", "md5", "sha1", "y", "7", "gy":
		if dollars >= 3 && len(h) >= 20 {
			return len(h)
		}
	case "argon2i", "argon2d", "argon2id", "scrypt", "pbkdf2", "pbkdf2-sha256", "pbkdf2-sha512", "bcrypt-sha256":
		if dollars >= 3 && len(h) >= 30 {
			return len(h)
		}
	}
	return 0
}

func isHashChar(c byte) bool {
	return isAlnum(c) || c == '$' || c == '.' || c == '/' || c == '=' || c == ',' || c == '+' || c == '-' || c == '_'
}

// hexHash reports an md5/sha1/sha256/sha512 hex digest (or an LDAP-style
// {SSHA}/{SHA} base64 one).
func hexHash(s []byte) bool {
	if len(s) > 6 && s[0] == '{' {
		for i := 1; i < len(s) && i < 12; i++ {
			if s[i] == '}' {
				switch string(s[1:i]) {
				case "SSHA", "SHA", "SHA256", "SSHA256", "SSHA512", "SHA512", "MD5", "SMD5", "CRYPT", "PBKDF2":
					return len(s) > i+8
				}
			}
		}
		return false
	}
	switch len(s) {
	case 32, 40, 64, 128:
	default:
		return false
	}
	for _, c := range s {
		if !isHex(c) {
			return false
		}
	}
	return true
}

// jwtValid checks that the first segment decodes to a JSON header naming an
// algorithm.
func jwtValid(tok []byte) bool {
	dot := -1
	dots := 0
	for i, c := range tok {
		if c == '.' {
			if dot < 0 {
				dot = i
			}
			dots++
		}
	}
	if dots != 2 || dot < 10 || dot > 512 {
		return false
	}
	var buf [400]byte
	n, err := base64.RawURLEncoding.Decode(buf[:], trimPad(tok[:dot]))
	if err != nil {
		return false
	}
	h := buf[:n]
	return len(h) > 2 && h[0] == '{' && indexFold(h, []byte(`"alg"`)) >= 0
}

func trimPad(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '=' {
		b = b[:len(b)-1]
	}
	return b
}

// placeholder reports values that stand for "no secret here".
func placeholder(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	same := true
	for _, c := range v {
		if c != v[0] {
			same = false
			break
		}
	}
	if same && (v[0] == '*' || v[0] == 'x' || v[0] == 'X' || v[0] == '.' || v[0] == '-' || v[0] == '#') {
		return true
	}
	last := v[len(v)-1]
	if len(v) > 1 && (v[0] == '$' && v[1] == '{' || v[0] == '{' && v[1] == '{' || v[0] == '%' && v[1] == '(' ||
		v[0] == '<' && last == '>' || v[0] == '%' && last == '%') {
		return true // ${VAR}, {{ var }}, %(var)s, <password>, %VAR%
	}
	switch string(lowerASCII(v, 16)) {
	case "null", "none", "nil", "redacted", "[redacted]", "[filtered]", "filtered", "hidden", "secret",
		"password", "undefined", "n/a", "na", "empty", "true", "false", "masked", "[masked]", "env", "<secret>":
		return true
	}
	return false
}

// lowerASCII returns a lower-cased copy of at most max bytes of v in a small
// stack-friendly buffer (callers compare it, never keep it).
func lowerASCII(v []byte, max int) []byte {
	if len(v) > max {
		return nil
	}
	var buf [32]byte
	out := buf[:0]
	for _, c := range v {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out = append(out, c)
	}
	return out
}

// indexFold finds needle (lower-case ASCII) in h ignoring ASCII case.
func indexFold(h, needle []byte) int {
	n := len(needle)
	if n == 0 {
		return 0
	}
outer:
	for i := 0; i+n <= len(h); i++ {
		for j := 0; j < n; j++ {
			c := h[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// charClasses counts which of upper, lower, digit appear (0-3).
func charClasses(s []byte) (classes, distinct int) {
	var up, lo, di bool
	var seen [256]bool
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			lo = true
		case c >= '0' && c <= '9':
			di = true
		}
		if !seen[c] {
			seen[c] = true
			distinct++
		}
	}
	for _, b := range []bool{up, lo, di} {
		if b {
			classes++
		}
	}
	return classes, distinct
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
