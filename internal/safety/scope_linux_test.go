package safety

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScopeProofNetns is the scope guarantee, shown on the wire: the real
// leakwatch binary runs in a scanner namespace linked to three others — the
// target T, an "other" host O, and a DNS server D — and packet sockets on
// O's and D's interfaces record every frame. T serves an Elasticsearch-like
// node whose _nodes and redirects point at O (by IP and by name), a
// redirector to O's name, and MongoDB replica-set members listing O.
// Whatever leakwatch is shown, O receives not one frame, D is asked only the
// names the user gave, and targets that resolve out of scope, or are
// reserved, are refused with a clear message before anything is sent.
func TestScopeProofNetns(t *testing.T) {
	l := newLab(t)
	bin := leakwatchBinary(t)
	S, T, O, D := l.ns("S"), l.ns("T"), l.ns("O"), l.ns("D")
	tIP, _, tEnd := l.link(S, T)
	oIP, _, oEnd := l.link(S, O)
	dIP, _, dEnd := l.link(S, D)
	l.resolvConf(S, dIP)

	// Captures start before any server or scan: every frame counts.
	capT, capO, capD := startCapture(t, T, tEnd), startCapture(t, O, oEnd), startCapture(t, D, dEnd)

	names := map[string][]string{
		"target.lw.test.":   {tIP},
		"mixed.lw.test.":    {tIP, oIP}, // one answer in scope, one excluded
		"outside.lw.test.":  {oIP},
		"member.lw.test.":   {oIP},
		"reserved.lw.test.": {"224.0.0.1"},
	}
	var dns *dnsServer
	if err := inNetns(D, func() error {
		pc, err := net.ListenPacket("udp", dIP+":53")
		if err != nil {
			return err
		}
		dns = newDNSServer(pc, names)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dns.close)

	// The target's services: every one of them names O.
	httpIn(t, T, tIP+":9200", esLike(oIP, "outside.lw.test"))
	httpIn(t, T, tIP+":9201", redirector("http://outside.lw.test:9200"))
	httpIn(t, T, tIP+":9202", redirector("http://"+oIP+":9200"))
	mongoAnswer := func(primary bool) func(*wireRequest) []byte {
		return func(r *wireRequest) []byte {
			switch strings.ToLower(r.cmd) {
			case "ismaster", "hello":
				return r.reply(helloDoc(primary, oIP+":27017", "member.lw.test:27017", tIP+":27017"))
			case "buildinfo":
				return r.reply(doc().AppendString("version", "7.0.2").AppendDouble("ok", 1).Build())
			}
			return r.reply(doc().AppendDouble("ok", 0).AppendString("errmsg", "not primary; primary is "+oIP+":27017").
				AppendInt32("code", 10107).AppendString("codeName", "NotWritablePrimary").Build())
		}
	}
	rawIn(t, T, tIP+":27017", serveMongo(mongoAnswer(false))) // a secondary pointing at its primary on O
	rawIn(t, T, tIP+":27018", serveMongo(mongoAnswer(true)))

	// O listens on every port it is advertised on, and records attempts.
	var others []*server
	for _, p := range []string{"9200", "9201", "9300", "27017", "27018"} {
		others = append(others, rawIn(t, O, oIP+":"+p, readUntilClosed))
	}

	ports := "9200,9201,9202,27017,27018"
	run := func(t *testing.T, args ...string) (events []map[string]any, stderr string, code int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		full := append([]string{"netns", "exec", S.name, bin, "scan", "--no-store", "--json", "-q", "--rate", "500", "--timeout", "1s"}, args...)
		cmd := exec.CommandContext(ctx, "ip", full...)
		cmd.Env = append(os.Environ(), "GODEBUG=netdns=go", "HOME="+t.TempDir())
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			t.Fatalf("leakwatch %v: %v", args, err)
		}
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var ev map[string]any
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("event line %q: %v", sc.Text(), err)
			}
			events = append(events, ev)
		}
		return events, errb.String(), code
	}
	scanTarget := func(t *testing.T, target string) {
		events, stderr, code := run(t, "-p", ports, target)
		if code != 0 && code != 1 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if len(events) != 5 {
			t.Errorf("got %d events, want one per port (5); stderr: %s", len(events), stderr)
		}
		found := map[string]bool{}
		for _, ev := range events {
			if ev["ip"] != tIP {
				t.Errorf("event for %v, want only the target %s: %v", ev["ip"], tIP, ev)
			}
			if svc, ok := ev["service"].(map[string]any); ok {
				found[svc["name"].(string)] = true
			}
		}
		if !found["elasticsearch"] || !found["mongodb"] {
			t.Errorf("services identified: %v; the hostile fakes must be recognised for the proof to mean anything", found)
		}
	}

	t.Run("ip target", func(t *testing.T) { scanTarget(t, tIP) })
	t.Run("hostname target", func(t *testing.T) { scanTarget(t, "target.lw.test") })
	t.Run("hostname resolving to an excluded address is refused", func(t *testing.T) {
		_, stderr, code := run(t, "-p", "9200", "--exclude", oIP, "mixed.lw.test")
		if code != 2 || !strings.Contains(stderr, oIP) || !strings.Contains(stderr, "excluded") {
			t.Errorf("exit %d, stderr %q: want exit 2 naming %s as excluded", code, stderr, oIP)
		}
	})
	t.Run("hostname resolving to a reserved address is refused", func(t *testing.T) {
		_, stderr, code := run(t, "-p", "9200", "reserved.lw.test")
		if code != 2 || !strings.Contains(stderr, "224.0.0.1") || !strings.Contains(stderr, "reserved") {
			t.Errorf("exit %d, stderr %q: want exit 2 naming 224.0.0.1 as reserved", code, stderr)
		}
	})
	for _, target := range []string{"224.0.0.1", "0.0.0.0", "255.255.255.255"} {
		t.Run("reserved target "+target, func(t *testing.T) {
			_, stderr, code := run(t, "-p", "9200", target)
			if code != 2 || !strings.Contains(stderr, "reserved") || !strings.Contains(stderr, target) {
				t.Errorf("exit %d, stderr %q: want exit 2 and a message calling %s reserved", code, stderr, target)
			}
		})
	}

	time.Sleep(300 * time.Millisecond) // let the last frames reach the captures
	for _, c := range []*capture{capT, capO, capD} {
		c.stop()
	}

	// O: not one frame, not one connection.
	if fs := capO.snapshot(); len(fs) > 0 {
		t.Errorf("%d frames reached the out-of-scope host %s, first: %v", len(fs), oIP, fs[0])
	}
	for _, s := range others {
		if n := s.accepted.Load(); n > 0 {
			t.Errorf("out-of-scope listener %s accepted %d connections", s.addr(), n)
		}
	}
	// D: only DNS, and only the names the user gave.
	for _, f := range capD.snapshot() {
		if f.etherType == 0x0806 {
			continue // ARP for the resolver itself
		}
		if f.etherType != 0x0800 || (f.dst == dIP && f.dport != 53) {
			t.Errorf("non-DNS frame to the resolver: %v", f)
		}
	}
	asked := dns.asked()
	for _, q := range asked {
		if !slices.Contains([]string{"target.lw.test.", "mixed.lw.test.", "reserved.lw.test."}, q) {
			t.Errorf("leakwatch resolved %q, a name it learned from the target (asked: %v)", q, asked)
		}
	}
	if !slices.Contains(asked, "target.lw.test.") {
		t.Errorf("DNS server saw %v: the hostname target was not resolved through it, so the DNS check proves nothing", asked)
	}
	// T: the positive control — the captures work, and every IPv4 frame on
	// the target's link is between the scanner and the target.
	fs := capT.snapshot()
	ipv4 := 0
	for _, f := range fs {
		if f.etherType != 0x0800 {
			continue
		}
		ipv4++
		if f.src != tIP && f.dst != tIP {
			t.Errorf("frame on the target's link not to or from the target: %v", f)
		}
	}
	if ipv4 == 0 {
		t.Fatalf("no IPv4 frame captured on the target's link: the capture is broken, the proof is void")
	}
	t.Logf("target link: %d frames (%d IPv4); other host: %d; resolver asked %v", len(fs), ipv4, len(capO.snapshot()), asked)
}

// httpIn serves h on addr inside namespace n.
func httpIn(t *testing.T, n *netns, addr string, h http.Handler) {
	t.Helper()
	ln := listenIn(t, n, addr)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
}

// rawIn serves h on addr inside namespace n, recording accepts.
func rawIn(t *testing.T, n *netns, addr string, h func(net.Conn)) *server {
	t.Helper()
	return serveOn(t, listenIn(t, n, addr), h)
}

func listenIn(t *testing.T, n *netns, addr string) net.Listener {
	t.Helper()
	var ln net.Listener
	if err := inNetns(n, func() (err error) {
		ln, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		t.Fatalf("listen %s in %s: %v", addr, n.name, err)
	}
	return ln
}
