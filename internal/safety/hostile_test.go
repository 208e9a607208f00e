package safety

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
)

// hostile is one misbehaving peer for the pipeline-level suite.
type hostile struct {
	name string
	raw  func(net.Conn) // a raw TCP peer, or
	http http.Handler   // an HTTP peer
	tls  bool           // scanned as an https:// URL (leakwatch starts the TLS handshake)
	// tlsServe: the peer completes a real TLS handshake, then misbehaves inside it.
	tlsServe bool
}

// The budgets the suite holds the pipeline to. ReadTimeout is longer than
// the drip interval on purpose: a peer sending one byte per second never
// trips a per-read timeout, so only the whole-call deadlines can stop it.
func hostileLimits() probe.Limits {
	l := probe.DefaultLimits()
	l.ConnectTimeout = time.Second
	l.ReadTimeout = 3 * time.Second
	l.IdentifyTimeout = 2 * time.Second
	l.ExploreTimeout = 8 * time.Second
	l.MaxBytes = 4 << 20
	l.MaxResponse = 1 << 20
	return l
}

const (
	identifyPortTimeout = 30 * time.Second
	// hostileHeapBound is the peak live heap the whole suite may add (all
	// peers at once, every probe): a few MaxResponse-sized buffers per
	// worker, far below what any declared length or bomb would need
	// (measured: 14–30 MiB with 29–31 peers and 14–19 probes).
	hostileHeapBound = 64 << 20
	// sentinel addresses stand for "elsewhere": redirects, replica-set
	// members and node addresses point there; nothing may connect to them.
	sentinelHTTP  = "127.77.49.1:9200"
	sentinelMongo = "127.77.49.1:27017"
)

func hostilePeers() []hostile {
	const huge = "9223372036854775808" // 2^63: one more than int64 holds
	esHead := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Elastic-Product: Elasticsearch\r\n"
	respDeep := strings.Repeat("*1\r\n", 200_000)
	// invalid puts raw invalid UTF-8 where `\xff`, `\xfe` or `\xc3\x28` are written.
	invalid := strings.NewReplacer(`\xff`, "\xff", `\xfe`, "\xfe", `\xc3\x28`, "\xc3\x28").Replace
	lyingES := func(path string) []byte {
		body := func(b string) []byte { return httpResponse([]byte(invalid(b))) }
		switch {
		case path == "/":
			return body(`{"name":"n\xff\xfe","cluster_name":"c\xc3\x28","version":{"number":"8.11.0"},"tagline":"You Know, for Search"}`)
		case strings.HasPrefix(path, "/_cat/indices"):
			return body(`[{"index":"users\xff","docs.count":"` + huge + `","store.size":"-1","creation.date":"-99999999999999999999"},` +
				`{"index":"logs","docs.count":"-7","store.size":"` + huge + `","creation.date":"` + huge + `"}]`)
		case strings.HasPrefix(path, "/_cluster/health"):
			return body(`{"cluster_name":"c","number_of_nodes":-1,"number_of_data_nodes":` + huge + `}`)
		case strings.Contains(path, "_count"):
			return body(`{"count":1e300}`)
		case strings.Contains(path, "_search") || strings.Contains(path, "_msearch"):
			hit := `{"hits":{"total":{"value":` + huge + `,"relation":"eq"},"hits":[{"_index":"users","_id":"1","_source":{"email":"jane@example.com","x":"\xff"}}]}}`
			return body(`{"responses":[` + hit + `,` + hit + `],` + hit[1:])
		}
		return body(`{"users":{"mappings":{"properties":{"a":{"properties":` + strings.Repeat(`{"b":{"properties":`, 2000) + `}}}}`)
	}
	return []hostile{
		{name: "accept and silence", raw: silence},
		{name: "one byte per second (HTTP head)", raw: drip("HTTP/1.1 200 OK\r\nX-Elastic-Product: Elasticsearch\r\nX-Pad: " + strings.Repeat("a", 64))},
		{name: "one byte per second (RESP bulk)", raw: drip("$100000\r\n" + strings.Repeat("x", 64))},
		{name: "endless garbage", raw: endless("", "A")},
		{name: "endless HTTP body", raw: endless(esHead+"\r\n[", `{"a":1},`)},
		{name: "endless HTTP headers", raw: endless("HTTP/1.1 200 OK\r\n", "X-A: b\r\n")},
		{name: "RESP bulk of 4 GB", raw: endlessAfter([]byte("$4294967296\r\n"))},
		{name: "RESP array of 4 G elements", raw: onFirstBytes([]byte("*4294967296\r\n"), nil)},
		{name: "RESP negative sizes", raw: onFirstBytes([]byte("$-5\r\n*-9223372036854775808\r\n"), nil)},
		{name: "Mongo messageLength 4 GB", raw: onFirstBytes(mongoHeader(0xFFFFFFFF), func(c net.Conn) { endless("", "x")(c) })},
		{name: "Mongo messageLength 2 GB", raw: onFirstBytes(mongoHeader(0x7FFFFFFF), func(c net.Conn) { endless("", "x")(c) })},
		{name: "HTTP Content-Length 4 GB", raw: onFirstBytes([]byte(esHead+"Content-Length: 4294967296\r\n\r\n"), func(c net.Conn) { endless("", "x")(c) })},
		{name: "HTTP negative Content-Length", raw: httpRaw(func(string) []byte { return []byte(esHead + "Content-Length: -1\r\n\r\n{}") })},
		{name: "gzip bomb everywhere", raw: httpRaw(func(string) []byte { return httpResponse(gzipBomb(), "Content-Encoding: gzip") })},
		{name: "gzip bomb after a valid banner", raw: httpRaw(func(p string) []byte {
			if p == "/" {
				return httpResponse([]byte(esBanner))
			}
			return httpResponse(gzipBomb(), "Content-Encoding: gzip")
		})},
		{name: "deep JSON in the banner", raw: httpRaw(func(string) []byte {
			return httpResponse(append([]byte(`{"tagline":"You Know, for Search","version":{"number":`), deepJSON(500_000)...))
		})},
		{name: "deep JSON after a valid banner", raw: httpRaw(func(p string) []byte {
			if p == "/" {
				return httpResponse([]byte(esBanner))
			}
			return httpResponse(deepJSON(900_000))
		})},
		{name: "deep BSON hello", raw: serveMongo(func(r *wireRequest) []byte { return r.reply(deepBSON(100_000)) })},
		{name: "deep BSON after hello", raw: serveMongo(func(r *wireRequest) []byte {
			if c := strings.ToLower(r.cmd); c == "ismaster" || c == "hello" {
				return r.reply(helloDoc(true))
			}
			return r.reply(deepBSON(100_000))
		})},
		{name: "deep RESP arrays", raw: onFirstBytes([]byte(respDeep), nil)},
		{name: "deep RESP after PONG", raw: serveRESP(func(a []string) string {
			if len(a) > 0 && strings.EqualFold(a[0], "PING") {
				return "+PONG\r\n"
			}
			return respDeep
		})},
		{name: "lying Elasticsearch (2^63 counts, negative sizes, invalid UTF-8)", raw: httpRaw(lyingES)},
		{name: "lying MongoDB (2^63 counts, negative sizes, endless cursor, invalid UTF-8)", raw: serveMongo(lyingMongo)},
		{name: "lying Redis (2^63 keys, negative sizes, endless SCAN, invalid UTF-8)", raw: serveRESP(lyingRedis)},
		{name: "HTTP redirect out of scope", http: redirector("http://" + sentinelHTTP)},
		{name: "Elasticsearch whose nodes and data live out of scope", http: esLike("127.77.49.1", "127.77.49.1")},
		{name: "MongoDB secondary whose primary is out of scope", raw: serveMongo(func(r *wireRequest) []byte {
			switch strings.ToLower(r.cmd) {
			case "ismaster", "hello":
				return r.reply(helloDoc(false, sentinelMongo, "127.77.49.2:27017"))
			}
			return r.reply(doc().AppendDouble("ok", 0).AppendString("errmsg", "not primary").AppendInt32("code", 10107).Build())
		})},
		{name: "TLS handshake stall", raw: silence, tls: true},
		{name: "TLS, then an endless HTTP body", raw: endless(esHead+"\r\n[", `{"a":1},`), tls: true, tlsServe: true},
		{name: "TLS, then a gzip bomb after a valid banner", tls: true, tlsServe: true, raw: httpRaw(func(p string) []byte {
			if p == "/" {
				return httpResponse([]byte(esBanner))
			}
			return httpResponse(gzipBomb(), "Content-Encoding: gzip")
		})},
		{name: "TLS ServerHello one byte per second", raw: drip("\x16\x03\x03\x40\x00\x02\x00\x3c\x03\x03" + strings.Repeat("\x00", 32)), tls: true},
	}
}

// TestHostilePeersThroughPipeline runs every hostile peer at once through
// the real pipeline with every registered probe. Ports are not any probe's
// default, so identification tries them all. Each peer must end as one
// event with a defined status, within the time and byte budgets, without a
// probe panicking, while the whole run stays under the heap bound and
// nothing connects to the out-of-scope sentinels.
func TestHostilePeersThroughPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile suite: about 40 s")
	}
	sentinels := []*server{serve(t, sentinelHTTP, readUntilClosed), serve(t, sentinelMongo, readUntilClosed)}
	peers := hostilePeers()
	_ = gzipBomb() // built before the heap baseline: it is the peer's memory, not leakwatch's
	var targets []string
	byAddr := map[string]string{}
	for i, h := range peers {
		addr := fmt.Sprintf("127.77.47.%d:%d", i+1, 17101+i)
		switch {
		case h.http != nil:
			httpServe(t, addr, h.http)
		case h.tlsServe:
			ln, err := tls.Listen("tcp", addr, selfSigned(t))
			if err != nil {
				t.Fatal(err)
			}
			serveOn(t, ln, h.raw)
		default:
			serve(t, addr, h.raw)
		}
		byAddr[addr] = h.name
		if h.tls {
			targets = append(targets, "https://"+addr+"/")
		} else {
			targets = append(targets, addr)
		}
	}

	limits := hostileLimits()
	nProbes := len(all.Probes())
	out := runPipeline(t, targets, scan.Config{Limits: limits, IdentifyPortTimeout: identifyPortTimeout})
	if out.err != nil {
		t.Fatalf("scan: %v", out.err)
	}

	// Time: each port is identified within identifyPortTimeout and explored
	// within ExploreTimeout; allow 10 s for a shared, loaded machine.
	slack := 10 * time.Second
	maxPort := identifyPortTimeout + limits.ExploreTimeout + slack
	if out.elapsed > maxPort+slack {
		t.Errorf("scan took %v, budget %v", out.elapsed, maxPort+slack)
	}
	// Bytes: one response per probe's identification plus the service's budget,
	// plus one read buffer of overshoot per connection.
	for addr, name := range byAddr {
		ev := out.events[addr]
		if ev == nil {
			t.Errorf("%s (%s): no event", name, addr)
			continue
		}
		if !definedStatus[ev.Status] {
			t.Errorf("%s: status %q is not a defined status", name, ev.Status)
		}
		if d := time.Duration(ev.DurationMS) * time.Millisecond; d > maxPort {
			t.Errorf("%s: took %v, budget %v", name, d, maxPort)
		}
		budget := int64(nProbes)*limits.MaxResponse + limits.MaxBytes + out.conns[addr]*(64<<10)
		if got := out.read[addr]; got > budget {
			t.Errorf("%s: read %d bytes over %d connections, budget %d", name, got, out.conns[addr], budget)
		}
		for _, e := range ev.Errors {
			if strings.Contains(e, "panicked") {
				t.Errorf("%s: a probe panicked (recovered, but a bug): %.300s", name, e)
			}
		}
		if !bytes.Contains(out.jsonLines[addr], []byte(`"status"`)) {
			t.Errorf("%s: event JSON lacks a status: %s", name, out.jsonLines[addr])
		}
		svc := "-"
		if ev.Service != nil {
			svc = ev.Service.Name
		}
		t.Logf("%-72s %-15s %-14s %6d ms %9d B %3d conns", name, ev.Status, svc, ev.DurationMS, out.read[addr], out.conns[addr])
	}
	for _, s := range sentinels {
		if n := s.accepted.Load(); n > 0 {
			t.Errorf("out-of-scope sentinel %s was contacted %d times", s.addr(), n)
		}
	}
	t.Logf("%d peers, %d probes: %v, peak heap +%.1f MiB (bound %d MiB)", len(peers), nProbes, out.elapsed.Round(time.Millisecond), float64(out.peakHeap)/(1<<20), hostileHeapBound>>20)
	if out.peakHeap > hostileHeapBound {
		t.Errorf("peak heap grew by %d MiB, bound %d MiB", out.peakHeap>>20, hostileHeapBound>>20)
	}
}

// httpServe serves h on addr until the test ends.
func httpServe(t *testing.T, addr string, h http.Handler) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
}

// selfSigned is a throwaway certificate for TLS peers.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hostile.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
