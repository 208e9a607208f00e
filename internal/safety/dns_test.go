package safety

import (
	"net"
	"net/netip"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer answers A queries from a fixed table (NXDOMAIN otherwise, and
// an empty answer for other types) and records every name asked, so a test
// can show leakwatch resolved only the names the user gave.
type dnsServer struct {
	pc      net.PacketConn
	records map[string][]netip.Addr // lower-case name with the trailing dot

	mu      sync.Mutex
	queries []string
}

func newDNSServer(pc net.PacketConn, records map[string][]string) *dnsServer {
	d := &dnsServer{pc: pc, records: map[string][]netip.Addr{}}
	for name, addrs := range records {
		for _, a := range addrs {
			d.records[strings.ToLower(name)] = append(d.records[strings.ToLower(name)], netip.MustParseAddr(a))
		}
	}
	go d.loop()
	return d
}

func (d *dnsServer) close() { d.pc.Close() }

// asked returns the distinct names queried.
func (d *dnsServer) asked() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, q := range d.queries {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

func (d *dnsServer) loop() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if out := d.answer(buf[:n]); out != nil {
			_, _ = d.pc.WriteTo(out, from)
		}
	}
}

func (d *dnsServer) answer(req []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(req)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	name := strings.ToLower(q.Name.String())
	d.mu.Lock()
	d.queries = append(d.queries, name)
	d.mu.Unlock()

	addrs, known := d.records[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	if q.Type == dnsmessage.TypeA {
		for _, a := range addrs {
			_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
				dnsmessage.AResource{A: a.As4()})
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}
