package classify

import (
	"bytes"
	"strconv"
)

// Redaction happens at capture: a detection carries only a redacted form,
// enough for a person to recognise the kind of value ("+1555***4567",
// "j***@example.com", "AKIA************WXYZ") and never enough to use it.
// The rules per type (redact_test.go checks them as properties):
//   - secrets and ids: at most 4 leading and 4 trailing characters, and
//     only when the value is at least 16 long (so at most half is shown);
//   - phones: at most (digits-3)/2 leading and trailing digits each (max 4);
//   - cards, IBANs: as secrets (4 + 4 from 16 characters); SSNs: the last 4 digits;
//   - passwords and user names: the first character of values of 8 or more;
//   - e-mails: the first character of the local part and the domain;
//   - URIs: scheme, host and port; user and password masked;
//   - host names: first character of the first label and the other labels;
//   - private IPs: the first two octets; private keys: the BEGIN line;
//   - message bodies: the first 3 characters and the length.

// Redact returns the redacted form of raw for data type typ.
func Redact(typ string, raw []byte) string {
	raw = bytes.TrimSpace(raw)
	switch typ {
	case "email":
		return redactEmail(raw)
	case "phone", "phone_redacted":
		return redactPhone(raw)
	case "credit_card", "iban":
		return redactEnds(compact(raw), 4, 16)
	case "ssn":
		d := digitsOf(raw)
		if len(d) != 9 {
			return "***"
		}
		return string(append([]byte("***-**-"), d[5:]...))
	case "password", "username":
		return redactHead(raw, 1, 8)
	case "password_hash":
		if len(raw) > 0 && raw[0] == '$' {
			// Keep the algorithm and cost ("$2b$12$"), not salt or digest.
			n, dollars := 0, 0
			for i, c := range raw {
				if c == '$' {
					dollars++
					if dollars == 3 || i > 24 {
						break
					}
				}
				n = i + 1
			}
			if n > 24 {
				n = 0
			}
			return string(raw[:n]) + "$***"
		}
		return redactEnds(raw, 4, 16)
	case "private_key":
		if i := bytes.Index(raw, []byte("-----")); i >= 0 {
			if j := bytes.Index(raw[i+5:], []byte("-----")); j >= 0 && j < 64 {
				return string(raw[i:i+5+j+5]) + "***"
			}
		}
		return "-----BEGIN ***"
	case "db_connection_uri", "credentials_in_url", "slack_webhook":
		return redactURI(raw)
	case "internal_hostname":
		return redactHost(raw)
	case "private_ip":
		if i := bytes.IndexByte(raw, '.'); i > 0 {
			if j := bytes.IndexByte(raw[i+1:], '.'); j > 0 {
				var buf [24]byte
				return string(append(append(buf[:0], raw[:i+1+j]...), ".*.*"...))
			}
		}
		return "***"
	case "message_content":
		r := []rune(string(raw))
		head := min(3, len(r)/4)
		return string(r[:head]) + "*** [" + strconv.Itoa(len(raw)) + " bytes]"
	}
	return redactEnds(raw, 4, 16)
}

// redactEnds keeps keep characters at each end when raw is at least min
// long, fewer (half of keep) when shorter but at least min/2, else none.
func redactEnds(raw []byte, keep, min int) string {
	n := len(raw)
	switch {
	case n >= min:
	case n >= min/2 && n >= 8:
		keep /= 2
	default:
		return "***"
	}
	stars := n - 2*keep
	if stars > 16 {
		stars = 16
	}
	if stars < 3 {
		stars = 3
	}
	var buf [32]byte
	b := append(buf[:0], raw[:keep]...)
	b = append(b, "****************"[:stars]...)
	return string(append(b, raw[n-keep:]...))
}

func redactHead(raw []byte, keep, min int) string {
	if len(raw) < min || raw[0] >= 0x80 {
		return "***"
	}
	return string(raw[:keep]) + "***"
}

func redactEmail(raw []byte) string {
	at := bytes.LastIndexByte(raw, '@')
	if at <= 0 {
		return "***"
	}
	domain := raw[at+1:]
	if len(domain) > 64 {
		domain = domain[len(domain)-64:]
	}
	var buf [80]byte
	b := append(buf[:0], raw[0])
	b = append(b, "***@"...)
	return string(append(b, domain...))
}

func redactPhone(raw []byte) string {
	var dbuf [32]byte
	d := digitsInto(dbuf[:0], raw)
	keep := (len(d) - 3) / 2
	if keep > 4 {
		keep = 4
	}
	prefix := ""
	if len(raw) > 0 && raw[0] == '+' {
		prefix = "+"
	}
	if keep <= 0 {
		return prefix + "***"
	}
	var buf [16]byte
	b := append(buf[:0], prefix...)
	b = append(b, d[:keep]...)
	b = append(b, "***"...)
	return string(append(b, d[len(d)-keep:]...))
}

func redactURI(raw []byte) string {
	i := bytes.Index(raw, []byte("://"))
	if i < 0 || i > 32 {
		return "***"
	}
	rest := raw[i+3:]
	user := ""
	// Everything up to the last '@' is user information, even when an
	// unescaped password contains '/' or '@'.
	if at := bytes.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
		user = "***:***@"
	}
	end := len(rest)
	for j, c := range rest {
		if c == '/' || c == '?' || c == '#' {
			end = j
			break
		}
	}
	host := rest[:end]
	if len(host) > 128 {
		host = host[:128]
	}
	out := string(raw[:i+3]) + user + string(host)
	if end < len(rest) {
		out += "/***"
	}
	return out
}

func redactHost(raw []byte) string {
	dot := bytes.IndexByte(raw, '.')
	if dot <= 0 {
		return "***"
	}
	rest := raw[dot:]
	if len(rest) > 128 {
		rest = rest[len(rest)-128:]
	}
	return string(raw[:1]) + "***" + string(rest)
}

func digitsOf(raw []byte) []byte {
	d := make([]byte, 0, 24)
	for _, c := range raw {
		if isDigit(c) {
			d = append(d, c)
		}
	}
	return d
}

// digitsInto is digitsOf into a caller's buffer.
func digitsInto(dst, raw []byte) []byte {
	for _, c := range raw {
		if isDigit(c) {
			dst = append(dst, c)
		}
	}
	return dst
}

// compact removes spaces and dashes (formatted cards and IBANs).
func compact(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for _, c := range raw {
		if c != ' ' && c != '-' {
			out = append(out, c)
		}
	}
	return out
}
