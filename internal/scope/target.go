package scope

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// spec is one parsed target or exclude, before resolution.
type spec struct {
	given string
	host  string     // hostname to resolve ("" for address forms)
	lo    netip.Addr // first address (address forms)
	hi    netip.Addr // last address
	port  int        // 0: none given
	tls   bool       // https:// URL
}

// parseSpec parses one target string. Every error names the input.
func parseSpec(s string) (spec, error) {
	given := s
	s = strings.TrimSpace(s)
	sp := spec{given: given}
	if s == "" {
		return sp, fmt.Errorf("empty target %q", given)
	}
	bad := func(format string, a ...any) (spec, error) {
		return sp, fmt.Errorf("target %q: %s", given, fmt.Sprintf(format, a...))
	}
	var hostPart, portPart string
	switch {
	case strings.Contains(s, "://"):
		u, err := url.Parse(s)
		if err != nil {
			return bad("not a URL: %v", err)
		}
		hostPart, portPart = u.Hostname(), u.Port()
		scheme := strings.ToLower(u.Scheme)
		sp.tls = scheme == "https"
		if portPart == "" {
			switch scheme {
			case "http":
				portPart = "80"
			case "https":
				portPart = "443"
			default:
				return bad("URL with scheme %q needs a port", u.Scheme)
			}
		}
		if hostPart == "" {
			return bad("URL has no host")
		}
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return bad("missing ']'")
		}
		hostPart, portPart = s[1:end], ""
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
				return bad("expected :port after ']'")
			}
			portPart = rest[1:]
		}
	case strings.Count(s, ":") == 1:
		hostPart, portPart, _ = strings.Cut(s, ":")
		if portPart == "" {
			return bad("empty port")
		}
	default:
		hostPart = s
	}
	if portPart != "" {
		p, err := strconv.Atoi(portPart)
		if err != nil || p < 1 || p > 65535 {
			return bad("port %q is not in 1-65535", portPart)
		}
		sp.port = p
	}
	if err := sp.parseHost(hostPart); err != nil {
		return bad("%v", err)
	}
	return sp, nil
}

// parseHost fills lo/hi or host from an address, CIDR, dash range or name.
func (sp *spec) parseHost(h string) error {
	if h == "" {
		return fmt.Errorf("no host")
	}
	if strings.Contains(h, "%") {
		return fmt.Errorf("IPv6 zones are not supported")
	}
	if strings.Contains(h, "/") {
		p, err := netip.ParsePrefix(h)
		if err != nil {
			return fmt.Errorf("bad CIDR: %v", err)
		}
		p = p.Masked()
		if p.Addr().Is4In6() {
			return fmt.Errorf("write IPv4-mapped prefixes as IPv4")
		}
		lo, hi := prefixRange(p)
		sp.lo, sp.hi = lo.addr(), hi.addr()
		return nil
	}
	if left, right, ok := strings.Cut(h, "-"); ok {
		lo, err := netip.ParseAddr(left)
		if err == nil { // an address on the left: a range, not a hostname with '-'
			lo = lo.Unmap()
			hi, err := netip.ParseAddr(right)
			if err != nil {
				n, nerr := strconv.Atoi(right)
				if !lo.Is4() || nerr != nil || n < 0 || n > 255 {
					return fmt.Errorf("bad range end %q: want an address or, for IPv4, a last octet 0-255", right)
				}
				b := lo.As4()
				b[3] = byte(n)
				hi = netip.AddrFrom4(b)
			}
			hi = hi.Unmap()
			if lo.Is4() != hi.Is4() {
				return fmt.Errorf("range mixes IPv4 and IPv6")
			}
			if hi.Less(lo) {
				return fmt.Errorf("range end %s is before its start %s", hi, lo)
			}
			sp.lo, sp.hi = lo, hi
			return nil
		}
	}
	if a, err := netip.ParseAddr(h); err == nil {
		sp.lo, sp.hi = a.Unmap(), a.Unmap()
		return nil
	}
	if !validHostname(h) {
		return fmt.Errorf("not an address, CIDR, range or hostname")
	}
	sp.host = strings.ToLower(strings.TrimSuffix(h, "."))
	return nil
}

// validHostname accepts LDH names (plus '_', seen in real internal names)
// with at least one letter, so typos like "10.0.0.300" are not sent to DNS.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if len(h) == 0 || len(h) > 253 {
		return false
	}
	letter := false
	for _, label := range strings.Split(h, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
				letter = true
			case c >= '0' && c <= '9', c == '-':
			default:
				return false
			}
		}
	}
	// An all-numeric last label is an IP typo, not a name.
	last := h[strings.LastIndexByte(h, '.')+1:]
	if _, err := strconv.Atoi(last); err == nil {
		return false
	}
	return letter
}
