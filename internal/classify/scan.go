package classify

import (
	"bytes"
)

// Free-text scanning: one pass splits a value into words with a byte-class
// table and dispatches each word on cheap facts (first byte, '@', '.',
// letters or not) to the anchors of detectors.go; a second pass over digit
// runs (phones, cards, SSNs) runs only when the value has 7 or more digits.

const (
	cWord  = 1 << iota // part of a word
	cDigit             // 0-9
	cAlpha             // A-Z a-z
	cAt                // @
	cDot               // .
)

var byteClass [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case isDigit(b):
			byteClass[c] = cWord | cDigit
		case isAlpha(b):
			byteClass[c] = cWord | cAlpha
		case b == '@':
			byteClass[c] = cWord | cAt
		case b == '.':
			byteClass[c] = cWord | cDot
		case b == '_' || b == '-' || b == '+' || b == '/' || b == '%' || b == '~':
			byteClass[c] = cWord
		}
	}
}

// text scans a string value for every text anchor.
func (s *scanner) text(path []byte, k keyCtx, v []byte) {
	n := len(v)
	digits := 0
	for i := 0; i < n; {
		c := v[i]
		cls := byteClass[c]
		if cls&cWord == 0 {
			if c == '$' {
				if m := cryptHash(v[i:]); m > 0 {
					s.found(path, detCryptHash, detCryptHash.Confidence, v[i:i+m])
					i += m
					continue
				}
			}
			i++
			continue
		}
		start := i
		var fl uint8
		wd := 0
		for i < n {
			cls = byteClass[v[i]]
			if cls&cWord == 0 {
				break
			}
			fl |= cls
			wd += int(cls>>1) & 1 // cDigit
			i++
		}
		// Only digits that can belong to a phone, card or SSN count towards
		// the digit-run pass: not those of timestamps, UUIDs or hex ids
		// (words with letters other than an x mask or extension).
		if wd > 0 && (fl&cAlpha == 0 || onlyXLetters(v[start:i])) {
			digits += wd
		}
		if fl&(cAlpha|cAt) != 0 || fl&cDot != 0 {
			i = s.word(path, k, v, start, i, fl)
		}
	}
	if digits >= 7 {
		s.digitRuns(path, k, v)
	}
}

func onlyXLetters(w []byte) bool {
	for _, c := range w {
		if isAlpha(c) && c != 'x' && c != 'X' {
			return false
		}
	}
	return true
}

// word handles the word v[start:end] and returns where scanning resumes.
func (s *scanner) word(path []byte, k keyCtx, v []byte, start, end int, fl uint8) int {
	w := v[start:end]
	n := len(v)
	if end < n {
		switch v[end] {
		case ':':
			if end+2 < n && v[end+1] == '/' && v[end+2] == '/' && fl&cAlpha != 0 {
				return s.uri(path, v, start, end)
			}
			fallthrough
		case '=', '"', '\'':
			if fl&cAlpha != 0 && len(w) <= 48 {
				if next, ok := s.keyValue(path, v, start, end); ok {
					return next
				}
			}
		case ' ':
			if len(w) == 6 && bytes.EqualFold(w, []byte("bearer")) {
				return s.bearer(path, v, end+1)
			}
			if end+2 < n && (v[end+1] == '=' || v[end+1] == ' ' && v[end+2] == '=') && fl&cAlpha != 0 && len(w) <= 48 {
				if next, ok := s.keyValue(path, v, start, end); ok {
					return next
				}
			}
		}
	}
	if fl&cAt != 0 {
		s.email(path, w)
		return end
	}
	if dets := prefixIndex[w[0]]; dets != nil {
		for _, d := range dets {
			if s.prefix(path, d, w) {
				return end
			}
		}
	}
	if w[0] == '-' && bytes.HasPrefix(w, []byte("-----BEGIN")) {
		return s.pem(path, v, start, end)
	}
	if fl&cDot != 0 {
		if fl&cAlpha == 0 {
			if k&ctxIDLike == 0 {
				s.privateIP(path, w)
			}
		} else {
			s.host(path, w)
		}
	}
	if len(w) >= 4 && isUpper(w[0]) && isUpper(w[1]) && isDigit(w[2]) && isDigit(w[3]) {
		return s.iban(path, v, start, end)
	}
	return end
}

// prefix tries one prefix detector on a word.
func (s *scanner) prefix(path []byte, d *Detector, w []byte) bool {
	for _, kw := range d.Keywords {
		if len(w) >= len(kw) && string(w[:len(kw)]) == kw {
			if (d.Match == nil || d.Match(w)) && (d.Validate == nil || d.Validate(w)) {
				s.found(path, d, d.Confidence, w)
				return true
			}
			return false
		}
	}
	return false
}

// keyValue handles key=value, key: value and "key":"value" in text when the
// key names a credential; it reports whether it consumed the pair.
func (s *scanner) keyValue(path []byte, v []byte, start, end int) (int, bool) {
	j := end
	if v[j] == '"' || v[j] == '\'' {
		j++
	}
	for j < len(v) && j-end < 3 && v[j] == ' ' {
		j++
	}
	if j >= len(v) || v[j] != '=' && v[j] != ':' {
		return 0, false
	}
	sep := v[j]
	key := v[start:end]
	if !isAlpha(key[0]) || countDigits(key) > 0 {
		return 0, false // "10:30", "2025-01-02T10:": not a key, and not worth a cache entry
	}
	kc := s.keys.get(key) & (ctxPassword | ctxSecret | ctxAWSSecret | ctxUsername | ctxPhone | ctxCard | ctxSSN)
	if kc == 0 {
		return 0, false
	}
	j++
	for j < len(v) && (v[j] == ' ' || v[j] == '\t') {
		j++
	}
	var q byte
	if j < len(v) && (v[j] == '"' || v[j] == '\'') {
		q = v[j]
		j++
	}
	vs := j
	for j < len(v) && j-vs < 512 {
		c := v[j]
		if q != 0 {
			if c == q {
				break
			}
		} else if c <= ' ' || c == '"' || c == '\'' || c == '&' || c == ',' || c == ';' || c == '}' || c == ')' || c == ']' || c == '<' {
			break
		}
		j++
	}
	val := v[vs:j]
	if len(val) == 0 {
		return j, true
	}
	if kc&ctxPassword != 0 && sep == ':' && q == 0 && !passwordish(val) {
		// "password: incorrect" in a log line is prose, not a password.
		return j, true
	}
	if kc&(ctxPhone|ctxCard|ctxSSN) != 0 && q == 0 {
		// "phone: 0412 345 678": the value runs to the end of the line or a
		// delimiter, spaces included.
		for j < len(v) && j-vs < 32 && (isDigit(v[j]) || v[j] == ' ' || v[j] == '-' || v[j] == '(' || v[j] == ')' || v[j] == '.' || v[j] == '+') {
			j++
		}
		val = bytes.TrimRight(v[vs:j], " .-")
		j = vs + len(val)
	}
	if !s.field(path, kc, val) {
		return 0, false // not what the key said: scan it as text
	}
	return j, true
}

// passwordish: a bare word after "password:" counts when it mixes
// character classes or has symbols.
func passwordish(v []byte) bool {
	classes, _ := charClasses(v)
	if classes >= 2 {
		return true
	}
	for _, c := range v {
		if !isAlnum(c) {
			return true
		}
	}
	return false
}

// bearer handles "Bearer <token>": a known token type or a generic key.
func (s *scanner) bearer(path []byte, v []byte, i int) int {
	j := i
	for j < len(v) && v[j] > ' ' && v[j] != '"' && v[j] != '\'' && v[j] != ',' && j-i < 8192 {
		j++
	}
	tok := v[i:j]
	if len(tok) == 0 {
		return i
	}
	if dets := prefixIndex[tok[0]]; dets != nil {
		for _, d := range dets {
			if s.prefix(path, d, tok) {
				return j
			}
		}
	}
	if secretShape(tok) {
		s.found(path, detGeneric, detGeneric.Confidence, tok)
	}
	return j
}

// email validates the word around an '@'.
func (s *scanner) email(path []byte, w []byte) {
	at := bytes.IndexByte(w, '@')
	if at <= 0 || bytes.IndexByte(w[at+1:], '@') >= 0 {
		return
	}
	ls := at
	for ls > 0 && isLocalChar(w[ls-1]) {
		ls--
	}
	local := w[ls:at]
	for len(local) > 0 && (local[0] == '.' || local[0] == '-' || local[0] == '+') {
		local = local[1:]
	}
	de := at + 1
	for de < len(w) && (isAlnum(w[de]) || w[de] == '.' || w[de] == '-') {
		de++
	}
	domain := w[at+1 : de]
	for len(domain) > 0 && (domain[len(domain)-1] == '.' || domain[len(domain)-1] == '-') {
		domain = domain[:len(domain)-1]
	}
	if ls >= 2 && w[ls-1] == '/' && w[ls-2] == '/' {
		return // scheme://user@host, not an address
	}
	cand := w[at-len(local) : at+1+len(domain)]
	if len(local) == 0 || len(local) > 64 || !emailValid(cand) {
		return
	}
	s.found(path, detEmail, detEmail.Confidence, cand)
}

func isLocalChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// emailValid checks the domain of local@domain: dotted labels, an
// alphabetic top-level label that is not a file extension.
func emailValid(e []byte) bool {
	at := bytes.LastIndexByte(e, '@')
	if at <= 0 {
		return false
	}
	d := e[at+1:]
	dot := bytes.LastIndexByte(d, '.')
	if dot <= 0 || len(d) > 253 {
		return false
	}
	tld := d[dot+1:]
	if len(tld) < 2 || len(tld) > 24 || !allIn(tld, isAlpha) {
		return false
	}
	switch string(lowerASCII(tld, 8)) {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "js", "css", "ico", "bmp", "tif", "tiff", "map":
		return false
	}
	return bytes.Index(d, []byte("..")) < 0 && d[0] != '.' && d[0] != '-'
}

// host reports internal host names: at least two labels, the last one a
// private suffix (.internal .corp .local .lan .intranet .localdomain).
func (s *scanner) host(path []byte, w []byte) {
	for len(w) > 0 && (w[len(w)-1] == '.' || w[len(w)-1] == '-') {
		w = w[:len(w)-1]
	}
	if sl := bytes.IndexByte(w, '/'); sl >= 0 {
		if sl == 0 {
			return // a path, not a host
		}
		w = w[:sl]
	}
	dot := bytes.LastIndexByte(w, '.')
	if dot <= 0 || len(w) > 253 || !isAlnum(w[0]) {
		return
	}
	tld := lowerASCII(w[dot+1:], 16)
	ok := false
	for _, kw := range detInternalHost.Keywords {
		if string(tld) == kw {
			ok = true
			break
		}
	}
	if !ok && len(w) > 16 {
		// Two-label private suffixes: RFC 8375 home networks and Azure's
		// internal DNS.
		ok = hasSuffixFold(w, ".home.arpa") || hasSuffixFold(w, ".internal.cloudapp.net")
	}
	if !ok || !allIn(w, func(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }) ||
		bytes.Contains(w, []byte("..")) {
		return
	}
	first := w[:bytes.IndexByte(w, '.')]
	if bytes.EqualFold(first, []byte("localhost")) {
		return
	}
	s.found(path, detInternalHost, detInternalHost.Confidence, w)
}

func hasSuffixFold(w []byte, suffix string) bool {
	return len(w) > len(suffix) && bytes.EqualFold(w[len(w)-len(suffix):], []byte(suffix))
}

// privateIP reports RFC 1918 addresses written as a dotted quad.
func (s *scanner) privateIP(path []byte, w []byte) {
	for len(w) > 0 && w[len(w)-1] == '.' {
		w = w[:len(w)-1]
	}
	var oct [4]int
	n, cur, nd := 0, 0, 0
	for _, c := range w {
		switch {
		case isDigit(c):
			cur = cur*10 + int(c-'0')
			nd++
			if nd > 3 || cur > 255 {
				return
			}
		case c == '.':
			if nd == 0 || n == 3 {
				return
			}
			oct[n] = cur
			n++
			cur, nd = 0, 0
		default:
			return
		}
	}
	if nd == 0 || n != 3 {
		return
	}
	oct[3] = cur
	private := oct[0] == 10 || oct[0] == 172 && oct[1] >= 16 && oct[1] <= 31 || oct[0] == 192 && oct[1] == 168
	if !private || oct[3] == 0 && oct[2] == 0 {
		return
	}
	s.found(path, detPrivateIP, detPrivateIP.Confidence, w)
}

// pem reports a private key block and skips its body.
func (s *scanner) pem(path []byte, v []byte, start, end int) int {
	lim := min(len(v), end+64)
	close := bytes.Index(v[end:lim], []byte("-----"))
	if close < 0 {
		return end
	}
	hdrEnd := end + close + 5
	header := v[start:hdrEnd]
	if !bytes.Contains(header, []byte("PRIVATE KEY")) {
		return hdrEnd
	}
	s.found(path, detPEM, detPEM.Confidence, header)
	if e := bytes.Index(v[hdrEnd:], []byte("-----END")); e >= 0 {
		return hdrEnd + e + 8
	}
	return len(v)
}

// iban assembles a compact or space-grouped IBAN starting at the word and
// validates it.
func (s *scanner) iban(path []byte, v []byte, start, end int) int {
	want, ok := ibanLengths[[2]byte{v[start], v[start+1]}]
	if !ok {
		return end
	}
	var buf [40]byte
	b := append(buf[:0], v[start:end]...)
	j := end
	for len(b) < want && j+1 < len(v) && v[j] == ' ' {
		g := j + 1
		for g < len(v) && g-j-1 < 4 && (isDigit(v[g]) || isUpper(v[g])) {
			g++
		}
		if g == j+1 || g < len(v) && isAlnum(v[g]) {
			break
		}
		b = append(b, v[j+1:g]...)
		j = g
	}
	if len(b) != want || !allIn(b, func(c byte) bool { return isDigit(c) || isUpper(c) }) || !ibanValid(b) {
		return end
	}
	s.found(path, detIBAN, detIBAN.Confidence, b)
	return j
}

// uri handles scheme://[user[:password]@]host...: credentials, and the
// host as an internal name or private address. It returns the end of the
// authority: path and query are scanned as text.
func (s *scanner) uri(path []byte, v []byte, start, end int) int {
	scheme := lowerASCII(v[start:end], 24)
	p := end + 3
	stop := p
	for stop < len(v) && stop-p < 4096 && v[stop] > ' ' && v[stop] != '"' && v[stop] != '\'' && v[stop] != '<' && v[stop] != '>' && v[stop] != '`' {
		stop++
	}
	authEnd := p
	for authEnd < stop && v[authEnd] != '/' && v[authEnd] != '?' && v[authEnd] != '#' {
		authEnd++
	}
	// user:password@ may hold unescaped '/' or '@': when "user:" comes
	// before the last '@' of the URI, that '@' ends the user information.
	if at := bytes.LastIndexByte(v[p:stop], '@'); at >= 0 {
		if c := bytes.IndexByte(v[p:p+at], ':'); c > 0 && bytes.IndexByte(v[p:p+c], '/') < 0 {
			authEnd = p + at + 1
			for authEnd < stop && v[authEnd] != '/' && v[authEnd] != '?' && v[authEnd] != '#' {
				authEnd++
			}
		}
	}
	auth := v[p:authEnd]
	hosts := auth
	if at := bytes.LastIndexByte(auth, '@'); at >= 0 {
		ui := auth[:at]
		hosts = auth[at+1:]
		colon := bytes.IndexByte(ui, ':')
		if colon >= 0 && colon < len(ui)-1 && !placeholder(ui[colon+1:]) {
			det := detURLCreds
			for _, kw := range detDBURI.Keywords {
				if string(scheme) == kw {
					det = detDBURI
					break
				}
			}
			s.credential = true
			s.found(path, det, det.Confidence, v[start:stop])
		} else {
			s.text(path, 0, ui) // a token used as user name (https://ghp_...@github.com)
		}
	}
	for len(hosts) > 0 {
		h := hosts
		if c := bytes.IndexByte(hosts, ','); c >= 0 {
			h, hosts = hosts[:c], hosts[c+1:]
		} else {
			hosts = nil
		}
		if c := bytes.LastIndexByte(h, ':'); c >= 0 && bytes.IndexByte(h, ']') < 0 {
			h = h[:c]
		}
		if len(h) == 0 {
			continue
		}
		if isDigit(h[0]) && allIn(h, func(c byte) bool { return isDigit(c) || c == '.' }) {
			s.privateIP(path, h)
		} else {
			s.host(path, h)
			if bytes.EqualFold(h, []byte("hooks.slack.com")) && bytes.HasPrefix(v[authEnd:stop], []byte("/services/T")) && stop-authEnd > 30 {
				s.found(path, detSlackWebhook, detSlackWebhook.Confidence, v[start:stop])
				return stop
			}
		}
	}
	return authEnd
}
