package scope

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// testDNS is a tiny authoritative UDP DNS server on loopback, so tests never
// touch the system resolver. Names not in its table get NXDOMAIN.
type testDNS struct {
	conn    net.PacketConn
	table   map[string][]netip.Addr // lower-case FQDN with trailing dot
	queries atomic.Int64
}

func startDNS(t *testing.T, table map[string][]string) *testDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.77.40.53:0")
	if err != nil {
		t.Fatalf("dns listen: %v", err)
	}
	d := &testDNS{conn: pc, table: map[string][]netip.Addr{}}
	for name, addrs := range table {
		for _, a := range addrs {
			d.table[strings.ToLower(name)+"."] = append(d.table[strings.ToLower(name)+"."], netip.MustParseAddr(a))
		}
	}
	t.Cleanup(func() { pc.Close() })
	go d.serve()
	return d
}

func (d *testDNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(buf[:n])
		if err != nil {
			continue
		}
		q, err := p.Question()
		if err != nil {
			continue
		}
		d.queries.Add(1)
		addrs, known := d.table[strings.ToLower(q.Name.String())]
		rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true}
		if !known {
			rh.RCode = dnsmessage.RCodeNameError
		}
		b := dnsmessage.NewBuilder(nil, rh)
		b.EnableCompression()
		_ = b.StartQuestions()
		_ = b.Question(q)
		_ = b.StartAnswers()
		for _, a := range addrs {
			rrh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
			switch {
			case a.Is4() && q.Type == dnsmessage.TypeA:
				_ = b.AResource(rrh, dnsmessage.AResource{A: a.As4()})
			case a.Is6() && q.Type == dnsmessage.TypeAAAA:
				_ = b.AAAAResource(rrh, dnsmessage.AAAAResource{AAAA: a.As16()})
			}
		}
		msg, err := b.Finish()
		if err != nil {
			continue
		}
		_, _ = d.conn.WriteTo(msg, from)
	}
}

// resolver returns a pure-Go resolver that only ever talks to d.
func (d *testDNS) resolver() *net.Resolver {
	addr := d.conn.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var dl net.Dialer
			return dl.DialContext(ctx, "udp", addr)
		},
	}
}
