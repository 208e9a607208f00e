package classify

import "bytes"

// Field handlers: the whole value of a field whose name gives context
// (password, phone, card, ssn, api_key, username, body...). They report
// whether they claimed the value (no free-text scan then).

func (s *scanner) field(path []byte, k keyCtx, v []byte) bool {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return true
	}
	switch {
	case k&ctxPassword != 0:
		s.password(path, t)
		return true
	case k&ctxAWSSecret != 0 && awsSecretShape(t):
		s.found(path, detAWSSecret, detAWSSecret.InContext, t)
		return true
	case k&ctxSecret != 0:
		before := s.count
		s.text(path, k, t)
		if s.count == before && secretShape(t) {
			s.found(path, detGeneric, detGeneric.InContext, t)
		}
		return true
	}
	if k&(ctxPhone|ctxPhoneWeak) != 0 && s.phoneValue(path, k, t) {
		return true
	}
	if k&ctxCard != 0 {
		d := s.digitsIfOnly(t, " -")
		if len(d) >= 12 && len(d) <= 19 && luhn(d) && (len(d) >= 13 || cardIIN(d)) {
			conf := detCard.InContext
			if !cardIIN(d) {
				conf = Medium
			}
			s.found(path, detCard, conf, t)
			return true
		}
	}
	if k&ctxSSN != 0 {
		d := s.digitsIfOnly(t, "- ")
		if len(d) == 9 && ssnValid(d) {
			s.found(path, detSSN, detSSN.InContext, t)
			return true
		}
	}
	if k&ctxUsername != 0 && len(t) <= 64 && bytes.IndexByte(t, '@') < 0 && bytes.IndexAny(t, " \t\n") < 0 &&
		countDigits(t) < len(t) && !placeholder(t) {
		s.later(path, detUsername, detUsername.InContext, t, 'c')
		return true
	}
	if k&ctxMessage != 0 && sentenceLike(t) && !underError(path) {
		s.later(path, detMessage, detMessage.InContext, t, 'm')
	}
	return false
}

// password classifies the value of a password field.
func (s *scanner) password(path []byte, t []byte) {
	if placeholder(t) {
		return
	}
	if m := cryptHash(t); m > 0 && m >= len(t)-1 || hexHash(t) {
		s.found(path, detPasswordHash, detPasswordHash.InContext, t)
		return
	}
	if len(t) > 128 {
		return
	}
	s.found(path, detPassword, detPassword.InContext, t)
}

// digitsIfOnly returns the digits of t when t holds only digits and the
// allowed separators, else nil.
func (s *scanner) digitsIfOnly(t []byte, seps string) []byte {
	d := s.digitBuf[:0]
	for _, c := range t {
		if isDigit(c) {
			d = append(d, c)
		} else if bytes.IndexByte([]byte(seps), c) < 0 {
			return nil
		}
		if len(d) > 24 {
			return nil
		}
	}
	s.digitBuf = d
	return d
}

// phoneValue classifies the whole value of a phone-named field.
func (s *scanner) phoneValue(path []byte, k keyCtx, t []byte) bool {
	t = stripExtension(t)
	d := s.digitBuf[:0]
	masks, plus := 0, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		if plus && c == '(' && i+2 < len(t) && t[i+1] == '0' && t[i+2] == ')' {
			i += 2 // +44 (0)20...: the trunk prefix is not dialled from abroad
			continue
		}
		switch {
		case isDigit(c):
			d = append(d, c)
		case c == '*' || c == 'x' || c == 'X' || c == '#':
			masks++
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return false
		}
		if len(d)+masks > 20 {
			return false
		}
	}
	s.digitBuf = d
	total := len(d) + masks
	if masks > 0 {
		if len(d) >= 2 && total >= 7 && total <= 15 && (plus || k&ctxPhone != 0) {
			s.found(path, detPhoneRedacted, detPhoneRedacted.InContext, t)
			return true
		}
		return false
	}
	if !plus && len(d) > 2 && d[0] == '0' && d[1] == '0' && (k&ctxPhone != 0 || intlPhone(d[2:]) > 0) {
		d, plus = d[2:], true // 00 international prefix
	}
	strong := k&ctxPhone != 0
	switch {
	case len(d) < 7 || len(d) > 15:
		return false
	case plus && intlPhone(d) > 0:
		s.found(path, detPhone, detPhone.InContext, t)
	case plus && strong && len(d) >= 8:
		s.found(path, detPhone, Medium, t)
	case !plus && (len(d) == 10 && nanpValid(d) || len(d) == 11 && d[0] == '1' && nanpValid(d[1:])):
		s.found(path, detPhone, detPhone.InContext, t)
	case !plus && strong:
		s.found(path, detPhone, Medium, t)
	case !plus && d[0] == '0' && len(d) >= 9 && len(d) <= 12:
		// A national number with its trunk prefix (07700 900123, 030 1234567)
		// in a from/to field.
		s.found(path, detPhone, Medium, t)
	case !plus && len(d) >= 9 && len(d) <= 13 && !(d[0] == '1' && (len(d) == 10 || len(d) == 13)):
		// (Not 1xxxxxxxxx or 1xxxxxxxxxxxx: epoch seconds and milliseconds
		// in a from/to range.)
		// Bare digits in a from/to field: a phone only in a document that is
		// about messages or calls (another phone, or a message body).
		s.later(path, detPhone, Low, t, 'p')
	default:
		return false
	}
	return true
}

// stripExtension removes a trailing extension ("x1234", " ext. 12",
// "#55") so that it is not read as masked digits.
func stripExtension(t []byte) []byte {
	j := len(t)
	for j > 0 && isDigit(t[j-1]) {
		j--
	}
	if n := len(t) - j; n == 0 || n > 6 {
		return t
	}
	m := j
	for m > 0 && (t[m-1] == ' ' || t[m-1] == '.') {
		m--
	}
	switch {
	case m >= 2 && (t[m-1] == 'x' || t[m-1] == 'X' || t[m-1] == '#') && (isDigit(t[m-2]) || t[m-2] == ' '):
		m--
	case m >= 4 && bytes.EqualFold(t[m-3:m], []byte("ext")):
		m -= 3
	default:
		return t
	}
	return bytes.TrimRight(t[:m], " ,;")
}

// run is one candidate of the digit-run scanner.
type run struct {
	digits [20]byte
	nd     int
	masks  int
	plus   bool
	groups [8]uint8
	seps   [8]byte
	ng     int
	ext    bool // ended at an extension ("x123")
}

func glued(p byte) bool {
	return isAlnum(p) || p == '_' || p == '.' || p == '-' || p == '/' || p == '@' || p == '$' || p == '#' || p == '+' || p == '%' || p == '&'
}

func isSep(c byte) bool { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' }
func isMask(c byte) bool {
	return c == '*' || c == 'x' || c == 'X' || c == '#'
}

// digitRuns finds runs of digits with single separators (phones, cards,
// SSNs) that stand alone (not inside a word, id or hex string).
func (s *scanner) digitRuns(path []byte, k keyCtx, v []byte) {
	n := len(v)
	for i := 0; i < n; {
		c := v[i]
		if !isDigit(c) && c != '+' && c != '(' {
			i++
			continue
		}
		if i > 0 && glued(v[i-1]) {
			// Inside a token (id, hex, uuid, version): skip to its end.
			i++
			for i < n && (isAlnum(v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.' || v[i] == '/') {
				i++
			}
			continue
		}
		var r run
		end := parseRun(v, i, &r)
		if end <= i {
			i++
			continue
		}
		if end == n || r.ext || !(isAlpha(v[end]) || v[end] == '_' || v[end] == '@') {
			s.classifyRun(path, k, v, i, end, &r)
		}
		i = end
		if r.ext {
			i++
		}
		for i < n && (isAlnum(v[i]) || v[i] == '_') {
			i++
		}
	}
}

// parseRun reads a run at v[i] and returns its end (<= i when none).
func parseRun(v []byte, i int, r *run) int {
	n := len(v)
	j := i
	if v[j] == '+' {
		r.plus = true
		j++
	} else if v[j] == '(' {
		j++
	}
	if j >= n || !isDigit(v[j]) {
		return i
	}
	glen := 0
	for j < n {
		c := v[j]
		if isMask(c) && (c == 'x' || c == 'X') && r.nd >= 7 && j+1 < n && isDigit(v[j+1]) && !isMask(v[j-1]) {
			r.ext = true // 555-0123x456: an extension, not a mask
			if glen > 0 {
				if r.ng < len(r.groups) {
					r.groups[r.ng] = uint8(min(glen, 255))
				}
				r.ng++
			}
			return j
		}
		if isDigit(c) || isMask(c) && r.nd > 0 {
			if isDigit(c) {
				if r.nd < len(r.digits) {
					r.digits[r.nd] = c
				}
				r.nd++
			} else {
				r.masks++
			}
			glen++
			j++
			continue
		}
		if r.ng < len(r.groups) {
			r.groups[r.ng] = uint8(min(glen, 255))
		}
		r.ng++
		glen = 0
		ss := j
		for j < n && j-ss < 2 && isSep(v[j]) {
			j++
		}
		if j == ss || j >= n || !(isDigit(v[j]) || isMask(v[j])) {
			// The run ended at ss; a closing ')' belongs to it.
			if j > ss && v[ss] == ')' {
				return ss + 1
			}
			return ss
		}
		if r.ng-1 < len(r.seps) {
			r.seps[r.ng-1] = v[ss]
		}
	}
	if r.ng < len(r.groups) {
		r.groups[r.ng] = uint8(min(glen, 255))
	}
	r.ng++
	return j
}

// classifyRun decides what a digit run is.
func (s *scanner) classifyRun(path []byte, k keyCtx, v []byte, start, end int, r *run) {
	raw := v[start:end]
	total := r.nd + r.masks
	if r.masks > 0 {
		if r.plus && r.nd >= 2 && total >= 8 && total <= 15 {
			s.found(path, detPhoneRedacted, detPhoneRedacted.Confidence, raw)
		}
		return
	}
	if r.nd > len(r.digits) || r.nd < 7 {
		return
	}
	d := r.digits[:r.nd]
	g := r.groups[:min(r.ng, len(r.groups))]
	idLike := k&ctxIDLike != 0
	// SSN: 3-2-4 with dashes.
	if r.ng == 3 && g[0] == 3 && g[1] == 2 && g[2] == 4 && r.seps[0] == '-' && r.seps[1] == '-' && !r.plus {
		if !idLike && ssnValid(d) {
			conf := detSSN.Confidence
			if k&ctxSSN != 0 || indexFold(v, []byte("ssn")) >= 0 || indexFold(v, []byte("social security")) >= 0 {
				conf = High
			}
			s.found(path, detSSN, conf, raw)
		}
		return
	}
	// Cards: 13-19 digits, Luhn, issuer range; grouped, or named as a card.
	if !r.plus && r.nd >= 13 && r.nd <= 19 && !idLike && luhn(d) && cardIIN(d) {
		grouped := r.ng >= 3 && g[0] == 4 && allSame(r.seps[:min(r.ng-1, len(r.seps))])
		if k&ctxCard != 0 || grouped || cardWordNear(v) {
			conf := detCard.Confidence
			if k&ctxCard != 0 {
				conf = High
			}
			s.found(path, detCard, conf, raw)
		}
		return
	}
	if idLike {
		return
	}
	// Phones: international with a known calling code and possible length,
	// or NANP written as (NPA) NXX-XXXX / NPA-NXX-XXXX.
	if r.plus {
		if r.nd >= 8 && r.nd <= 15 && intlPhone(d) > 0 {
			conf := detPhone.Confidence
			if k&(ctxPhone|ctxPhoneWeak) != 0 {
				conf = High
			} else if s.phoneLeft > 0 {
				s.phoneLeft--
				if phoneLibValid(d) {
					conf = High
				}
			}
			s.found(path, detPhone, conf, raw)
		}
		return
	}
	if r.nd >= 10 && d[0] == '0' && d[1] == '0' && r.ng >= 2 && intlPhone(d[2:]) > 0 {
		s.found(path, detPhone, detPhone.Confidence, raw) // 00 44 20 7946 0958
		return
	}
	nanp := r.nd == 10 && r.ng == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4 && nanpValid(d) ||
		r.nd == 11 && r.ng == 4 && d[0] == '1' && g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == 4 && nanpValid(d[1:])
	if nanp && r.seps[r.ng-2] != '/' && r.seps[r.ng-2] != '.' || nanp && v[start] == '(' {
		s.found(path, detPhone, detPhone.Confidence, raw)
	}
}

func allSame(b []byte) bool {
	for _, c := range b {
		if c != b[0] {
			return false
		}
	}
	return true
}

// cardWordNear reports card vocabulary in the value (for ungrouped numbers).
func cardWordNear(v []byte) bool {
	return indexFold(v, []byte("card")) >= 0 || indexFold(v, []byte("visa")) >= 0 ||
		indexFold(v, []byte("mastercard")) >= 0 || indexFold(v, []byte("amex")) >= 0
}

// sentenceLike: prose, not a log line, code or an id.
func sentenceLike(v []byte) bool {
	if len(v) < 12 {
		return false
	}
	letters, spaces, code, lower := 0, 0, 0, 0
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			letters++
			lower++
		case c >= 'A' && c <= 'Z' || c >= 0x80:
			letters++
		case c == ' ':
			spaces++
		case c == '{' || c == '}' || c == '=' || c == '/' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == '|' || c == '_':
			code++
		}
	}
	nonSpace := len(v) - spaces
	return spaces >= 2 && lower >= 6 && letters*2 >= nonSpace && code*20 <= len(v)
}

// underError reports a message inside an error or status object
// ("error.message", "errors.0.message"): a program's text, not a person's.
func underError(path []byte) bool {
	p := dropIndices(path)
	i := bytes.LastIndexByte(p, '.')
	if i < 0 {
		return false
	}
	p = dropIndices(p[:i])
	parent := lowerASCII(p[bytes.LastIndexByte(p, '.')+1:], 24)
	switch string(parent) {
	case "error", "errors", "err", "exception", "exceptions", "fault", "faults", "warning", "warnings", "status", "response", "result", "problem", "log", "event", "alert", "alerts", "validation":
		return true
	}
	return false
}
