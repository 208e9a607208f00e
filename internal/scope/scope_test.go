package scope

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
)

var ctx = context.Background()

func mustParse(t *testing.T, targets, excludes []string, opt Options) *Scope {
	t.Helper()
	s, err := Parse(ctx, targets, excludes, opt)
	if err != nil {
		t.Fatalf("Parse(%q, %q): %v", targets, excludes, err)
	}
	return s
}

// pairs collects every item of it keyed "ip:port", failing on duplicates.
func pairs(t *testing.T, s *Scope, start uint64) map[string]Item {
	t.Helper()
	out := map[string]Item{}
	for k, it := range s.Items(start) {
		key := netip.AddrPortFrom(it.IP, uint16(it.Port)).String()
		if _, dup := out[key]; dup {
			t.Fatalf("pair %s yielded twice (index %d)", key, k)
		}
		out[key] = it
	}
	return out
}

func TestParseForms(t *testing.T) {
	cases := []struct {
		in   string
		want []string // "ip:port", sorted as Items might not be
	}{
		{"10.1.2.3", []string{"10.1.2.3:6379"}},
		{"10.1.2.3:9200", []string{"10.1.2.3:9200"}},
		{"10.1.2.0/31", []string{"10.1.2.0:6379", "10.1.2.1:6379"}},
		{"10.1.2.5/31", []string{"10.1.2.4:6379", "10.1.2.5:6379"}},
		{"10.0.0.1-10.0.0.3", []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"}},
		{"10.0.0.1-3", []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"}},
		{"10.0.0.255-10.0.1.1", []string{"10.0.0.255:6379", "10.0.1.0:6379", "10.0.1.1:6379"}},
		{"2001:470::1", []string{"[2001:470::1]:6379"}},
		{"[2001:470::1]:27017", []string{"[2001:470::1]:27017"}},
		{"2001:470::/127", []string{"[2001:470::]:6379", "[2001:470::1]:6379"}},
		{"[2001:470::/127]:80", []string{"[2001:470::]:80", "[2001:470::1]:80"}},
		{"2001:470::1-2001:470::2", []string{"[2001:470::1]:6379", "[2001:470::2]:6379"}},
		{"http://10.0.0.9:9200/_cat", []string{"10.0.0.9:9200"}},
		{"http://10.0.0.9/", []string{"10.0.0.9:80"}},
		{"https://[::1]/", []string{"[::1]:443"}},
		{"redis://127.77.40.1:6379", []string{"127.77.40.1:6379"}},
		{"::ffff:10.0.0.1", []string{"10.0.0.1:6379"}},
		{"  10.1.1.1  ", []string{"10.1.1.1:6379"}},
	}
	for _, c := range cases {
		s := mustParse(t, []string{c.in}, nil, Options{DefaultPorts: []int{6379}})
		got := pairs(t, s, 0)
		if len(got) != len(c.want) || s.Len() != uint64(len(c.want)) {
			t.Errorf("%q: got %d pairs (Len %d), want %v", c.in, len(got), s.Len(), c.want)
			continue
		}
		for _, w := range c.want {
			it, ok := got[w]
			if !ok {
				t.Errorf("%q: missing %s (got %v)", c.in, w, got)
				continue
			}
			if it.Target != c.in {
				t.Errorf("%q: Target = %q", c.in, it.Target)
			}
			if it.Port != 6379 && !it.Explicit {
				t.Errorf("%q: %s Explicit = %v", c.in, w, it.Explicit)
			}
		}
	}
	s := mustParse(t, []string{"https://[::1]/"}, nil, Options{})
	if it := s.At(0); !it.TLS || !it.Explicit {
		t.Errorf("https URL item = %+v, want TLS and Explicit", it)
	}
}

func TestParseErrorsNameInput(t *testing.T) {
	bad := []string{
		"", "10.0.0.300", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:http", "10.0.0.1/33",
		"10.0.0.5-10.0.0.1", "10.0.0.1-256", "10.0.0.1-::1", "[::1", "[::1]x", "fe80::1%eth0",
		"ftp://10.0.0.1/", "http://:80/", "bad host name", "-lead.example", "10.0.0.1:",
		"2001:db8::1-ff", "a..b", "1.2.3",
	}
	for _, in := range bad {
		_, err := Parse(ctx, []string{"10.0.0.1", in}, nil, Options{DefaultPorts: []int{6379}})
		if err == nil {
			t.Errorf("Parse(%q) succeeded", in)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("Parse(%q) error does not name the input: %v", in, err)
		}
	}
	if _, err := Parse(ctx, []string{"10.0.0.1"}, nil, Options{}); err == nil {
		t.Error("a target with no port and no default ports was accepted")
	}
	if _, err := Parse(ctx, []string{"10.0.0.1"}, nil, Options{DefaultPorts: []int{0}}); err == nil {
		t.Error("default port 0 accepted")
	}
}

func TestEveryPairExactlyOnce(t *testing.T) {
	for _, tc := range []struct {
		targets []string
		ports   []int
	}{
		{[]string{"10.0.0.1"}, []int{1}},
		{[]string{"10.0.0.1-3"}, []int{1}},
		{[]string{"10.0.0.1-7"}, []int{1, 2, 3}},                  // 21
		{[]string{"10.0.0.0/24", "10.0.1.0-100"}, []int{5, 7, 9}}, // 1,071
		{[]string{"10.0.0.0/20", "10.0.0.7:8080", "2001:470::/123"}, []int{1, 2, 3, 4, 5, 6, 7}},
	} {
		s := mustParse(t, tc.targets, nil, Options{DefaultPorts: tc.ports, Seed: 7})
		got := pairs(t, s, 0)
		if uint64(len(got)) != s.Len() {
			t.Fatalf("%v: %d distinct pairs, Len %d", tc.targets, len(got), s.Len())
		}
		for _, it := range got {
			if !it.IP.IsValid() || it.Port == 0 {
				t.Fatalf("bad item %+v", it)
			}
		}
	}
}

func TestPermutationBijective(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 7, 15, 16, 17, 255, 257, 1000, 1001, 4097, 65537, 99991} {
		p := newPermutation(n, n*31)
		seen := make([]bool, n)
		for k := range n {
			v := p.at(k)
			if v >= n || seen[v] {
				t.Fatalf("n=%d: at(%d)=%d out of range or repeated", n, k, v)
			}
			seen[v] = true
		}
	}
}

func TestDeterministicAndSeeded(t *testing.T) {
	order := func(seed uint64) []string {
		s := mustParse(t, []string{"10.0.0.0/26"}, nil, Options{DefaultPorts: []int{1, 2, 3}, Seed: seed})
		var out []string
		for _, it := range s.Items(0) {
			out = append(out, fmt.Sprint(it.IP, ":", it.Port))
		}
		return out
	}
	a, b, c := order(1), order(1), order(2)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Error("same seed gave different orders")
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Error("different seeds gave the same order")
	}
}

func TestConsecutiveItemsSpreadHosts(t *testing.T) {
	s := mustParse(t, []string{"10.0.0.0/24"}, nil, Options{DefaultPorts: []int{6379, 9200, 27017, 5432, 3306, 11211}, Seed: 3})
	var prev netip.Addr
	same, sequential := 0, 0
	for _, it := range s.Items(0) {
		if it.IP == prev {
			same++
		}
		if prev.IsValid() && it.IP == prev.Next() {
			sequential++
		}
		prev = it.IP
	}
	// A uniform permutation puts neighbours on the same host ~1/256 of the time.
	if n := int(s.Len()); same > n/50 || sequential > n/50 {
		t.Errorf("of %d neighbours, %d share a host and %d are address-sequential", n, same, sequential)
	}
}

func TestShardsPartitionAndResume(t *testing.T) {
	s := mustParse(t, []string{"10.0.0.0/25", "10.9.0.1:80"}, nil, Options{DefaultPorts: []int{1, 2, 3}, Seed: 9})
	all := pairs(t, s, 0)
	for _, n := range []int{1, 2, 3, 7} {
		seen := map[string]bool{}
		for i := range n {
			for k, it := range s.ShardItems(i, n, 0) {
				if int(k%uint64(n)) != i {
					t.Fatalf("shard %d/%d yielded index %d", i, n, k)
				}
				key := netip.AddrPortFrom(it.IP, uint16(it.Port)).String()
				if seen[key] {
					t.Fatalf("shards %d: %s in two shards", n, key)
				}
				seen[key] = true
			}
		}
		if len(seen) != len(all) {
			t.Fatalf("%d shards covered %d of %d pairs", n, len(seen), len(all))
		}
	}
	// Resume: items from index k are exactly the tail of a full walk.
	var full []Item
	for _, it := range s.Items(0) {
		full = append(full, it)
	}
	for _, k := range []uint64{0, 1, 100, s.Len() - 1, s.Len(), s.Len() + 5} {
		i := k
		for idx, it := range s.Items(k) {
			if idx != i || it != full[i] {
				t.Fatalf("resume at %d: index %d item %+v, want %d %+v", k, idx, it, i, full[i])
			}
			i++
		}
		if k <= s.Len() && i != s.Len() {
			t.Fatalf("resume at %d stopped at %d", k, i)
		}
	}
	// Shard resume from a mid index stays in the shard.
	for k := range s.ShardItems(2, 3, 101) {
		if k < 101 || k%3 != 2 {
			t.Fatalf("shard resume yielded %d", k)
		}
	}
}

func TestLargeScopeIsLazy(t *testing.T) {
	ports := make([]int, 1000)
	for i := range ports {
		ports[i] = i + 1
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := mustParse(t, []string{"10.0.0.0/8"}, nil, Options{DefaultPorts: ports, Seed: 1})
	if want := uint64(1<<24) * 1000; s.Len() != want {
		t.Fatalf("Len = %d, want %d", s.Len(), want)
	}
	n := 0
	for _, it := range s.Items(s.Len() / 2) {
		if !netip.MustParsePrefix("10.0.0.0/8").Contains(it.IP) {
			t.Fatalf("item outside target: %+v", it)
		}
		if n++; n == 100000 {
			break
		}
	}
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 4<<20 {
		t.Errorf("heap grew %d bytes for a /8 × 1000 ports", grew)
	}
	if _, err := Parse(ctx, []string{"2001:470::/64"}, nil, Options{DefaultPorts: []int{1}}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("IPv6 /64: err = %v, want too large", err)
	}
}

func TestDenyList(t *testing.T) {
	opt := Options{DefaultPorts: []int{1}}
	for _, in := range []string{"224.0.0.1", "255.255.255.255", "0.0.0.0", "192.0.2.0/24", "::", "ff02::1", "2001:db8::1", "240.0.0.0/4"} {
		_, err := Parse(ctx, []string{in}, nil, opt)
		if err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Errorf("%s: err = %v, want reserved", in, err)
		}
		s, err := Parse(ctx, []string{in}, nil, Options{DefaultPorts: []int{1}, AllowReserved: true})
		if err != nil || s.Len() == 0 {
			t.Errorf("%s with AllowReserved: %v, Len %d", in, err, s.Len())
		}
	}
	for _, in := range []string{"127.0.0.1", "10.1.1.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.1.1", "::1", "fd00::1", "fe80::1"} {
		if s, err := Parse(ctx, []string{in}, nil, opt); err != nil || s.Len() != 1 {
			t.Errorf("%s should stay allowed: %v", in, err)
		}
	}
	// A range overlapping the deny list is trimmed, not refused.
	s := mustParse(t, []string{"223.255.255.254-224.0.0.1"}, nil, opt)
	if got := pairs(t, s, 0); len(got) != 2 {
		t.Errorf("range across 224/4: %v", got)
	}
	s = mustParse(t, []string{"0.0.0.0/0"}, nil, opt)
	want := uint64(1<<32 - 1<<24 - 1<<28 - 1<<28 - 256*5 - 1<<17)
	if s.Len() != want {
		t.Errorf("0.0.0.0/0 Len = %d, want %d", s.Len(), want)
	}
	if !s.Contains(netip.MustParseAddr("10.0.0.1")) || s.Contains(netip.MustParseAddr("224.0.0.1")) || s.Contains(netip.Addr{}) {
		t.Error("Contains disagrees with the deny list")
	}
}

func TestExcludes(t *testing.T) {
	s := mustParse(t, []string{"10.0.0.0/28"}, []string{"10.0.0.0/30", "10.0.0.8-9", "10.0.0.15:2"}, Options{DefaultPorts: []int{1, 2}})
	got := pairs(t, s, 0)
	if len(got) != (16-6)*2-1 {
		t.Fatalf("got %d pairs: %v", len(got), got)
	}
	for _, gone := range []string{"10.0.0.0:1", "10.0.0.3:2", "10.0.0.8:1", "10.0.0.9:2", "10.0.0.15:2"} {
		if _, ok := got[gone]; ok {
			t.Errorf("%s not excluded", gone)
		}
	}
	if _, ok := got["10.0.0.15:1"]; !ok {
		t.Error("port-specific exclude removed other ports")
	}
	if s.Contains(netip.MustParseAddr("10.0.0.2")) || !s.Contains(netip.MustParseAddr("10.0.0.15")) || !s.Contains(netip.MustParseAddr("192.168.9.9")) {
		t.Error("Contains disagrees with excludes")
	}
	if _, err := Parse(ctx, []string{"10.0.0.1"}, []string{"db.example.com"}, Options{DefaultPorts: []int{1}}); err == nil || !strings.Contains(err.Error(), "db.example.com") {
		t.Errorf("hostname exclude: %v", err)
	}
	if _, err := Parse(ctx, []string{"10.0.0.1"}, []string{"10.0.0.x"}, Options{DefaultPorts: []int{1}}); err == nil || !strings.Contains(err.Error(), "10.0.0.x") {
		t.Errorf("bad exclude: %v", err)
	}
}

func TestOverlapsDeduplicated(t *testing.T) {
	s := mustParse(t, []string{"10.0.0.0/30", "10.0.0.1", "10.0.0.1:6379", "10.0.0.2-3", "10.0.0.3:80"}, nil, Options{DefaultPorts: []int{6379, 9200}})
	got := pairs(t, s, 0)
	if len(got) != 4*2+1 {
		t.Fatalf("got %d pairs: %v", len(got), got)
	}
	if it := got["10.0.0.1:6379"]; !it.Explicit || it.Target != "10.0.0.1:6379" {
		t.Errorf("overlap lost the explicit target: %+v", it)
	}
	if it := got["10.0.0.3:80"]; !it.Explicit {
		t.Errorf("explicit-only port: %+v", it)
	}
}

func TestHostnames(t *testing.T) {
	dns := startDNS(t, map[string][]string{
		"db.leakwatch.test":    {"127.77.40.10"},
		"multi.leakwatch.test": {"127.77.40.11", "127.77.40.12", "::1"},
		"mcast.leakwatch.test": {"224.0.0.5"},
		"excl.leakwatch.test":  {"10.9.9.9"},
	})
	opt := Options{DefaultPorts: []int{6379}, Resolver: dns.resolver()}

	s := mustParse(t, []string{"db.leakwatch.test", "multi.leakwatch.test:9200", "http://DB.leakwatch.test:9201/", "127.77.40.0/24"}, nil, opt)
	got := pairs(t, s, 0)
	if it := got["127.77.40.10:6379"]; it.Host != "db.leakwatch.test" || it.Target != "db.leakwatch.test" {
		t.Errorf("hostname item = %+v", it)
	}
	if it := got["127.77.40.10:9201"]; it.Host != "db.leakwatch.test" || !it.Explicit {
		t.Errorf("URL hostname item = %+v", it)
	}
	for _, k := range []string{"127.77.40.11:9200", "127.77.40.12:9200", "[::1]:9200"} {
		if it := got[k]; it.Host != "multi.leakwatch.test" || !it.Explicit {
			t.Errorf("%s = %+v", k, it)
		}
	}
	if it := got["127.77.40.99:6379"]; it.Host != "" || it.Target != "127.77.40.0/24" {
		t.Errorf("CIDR item = %+v", it)
	}
	if len(got) != 256+1+3 {
		t.Errorf("got %d pairs", len(got))
	}

	for in, want := range map[string]string{
		"mcast.leakwatch.test":   "224.0.0.5",
		"excl.leakwatch.test":    "excluded",
		"nothere.leakwatch.test": "does not resolve",
	} {
		_, err := Parse(ctx, []string{in}, []string{"10.9.0.0/16"}, opt)
		if err == nil || !strings.Contains(err.Error(), in) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to name the host and %q", in, err, want)
		}
	}

	// No DNS when no hostname was given, nor when any input is unparseable.
	before := dns.queries.Load()
	mustParse(t, []string{"10.0.0.1", "[::1]:80", "http://127.0.0.1:9200/"}, nil, opt)
	if _, err := Parse(ctx, []string{"db.leakwatch.test", "10.0.0.999"}, nil, opt); err == nil {
		t.Error("unparseable target accepted")
	}
	if n := dns.queries.Load() - before; n != 0 {
		t.Errorf("%d DNS queries for inputs that needed none", n)
	}
}

func TestReadTargets(t *testing.T) {
	got, err := ReadTargets(strings.NewReader("# header\n10.0.0.1\n\n  db.example.com:6379  # prod\n\t[::1]:80\r\n#x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "10.0.0.1|db.example.com:6379|[::1]:80" {
		t.Errorf("got %q", got)
	}
	if _, err := ReadTargets(strings.NewReader(strings.Repeat("x", maxLine+1))); err == nil {
		t.Error("overlong line accepted")
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.1-50", "[::1]:80", "http://h:9200/", "a.b", "10.0.0.0/8:1", "::/0", "1-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := parseSpec(s)
		if err != nil {
			return
		}
		if sp.host == "" && (sp.hi.Less(sp.lo) || sp.lo.Is4() != sp.hi.Is4()) {
			t.Fatalf("%q: bad range %v-%v", s, sp.lo, sp.hi)
		}
		if sp.port < 0 || sp.port > 65535 {
			t.Fatalf("%q: port %d", s, sp.port)
		}
	})
}

func TestManyTargets(t *testing.T) {
	table := map[string][]string{}
	var targets []string
	for i := range 40 {
		name := fmt.Sprintf("h%d.leakwatch.test", i)
		table[name] = []string{fmt.Sprintf("127.77.40.%d", 100+i)}
		targets = append(targets, name)
	}
	for i := range 100000 {
		targets = append(targets, fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
	}
	dns := startDNS(t, table)
	s := mustParse(t, targets, []string{"10.0.0.0/24"}, Options{DefaultPorts: []int{6379, 9200}, Resolver: dns.resolver()})
	if want := uint64(40+100000-256) * 2; s.Len() != want {
		t.Fatalf("Len = %d, want %d", s.Len(), want)
	}
	hosts := 0
	for _, it := range s.Items(0) {
		if it.Host != "" {
			hosts++
		}
	}
	if hosts != 80 {
		t.Errorf("%d items carry a hostname, want 80", hosts)
	}
}

// FuzzParse runs whole parses (targets, excludes, deny list, permutation)
// with a resolver that never reaches any DNS server.
func FuzzParse(f *testing.F) {
	f.Add("10.0.0.0/30", "10.0.0.1", false)
	f.Add("10.0.0.1-3:80", "10.0.0.2:80", true)
	f.Add("[2001:470::/126]:1", "2001:470::1", false)
	f.Add("0.0.0.0/0", "", false)
	f.Add("db.example", "", false)
	noDNS := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS in fuzzing")
	}}
	f.Fuzz(func(t *testing.T, target, exclude string, allow bool) {
		var excl []string
		if exclude != "" {
			excl = []string{exclude}
		}
		s, err := Parse(context.Background(), []string{target}, excl, Options{DefaultPorts: []int{1, 2}, Resolver: noDNS, AllowReserved: allow})
		if err != nil {
			return
		}
		if s.Len() > MaxPairs {
			t.Fatalf("Len %d", s.Len())
		}
		n := 0
		for k, it := range s.Items(s.Len() / 2) {
			if !it.IP.IsValid() || it.Port < 1 || it.Port > 65535 || !s.Contains(it.IP) || it.Target != target || k >= s.Len() {
				t.Fatalf("bad item %d %+v", k, it)
			}
			if n++; n == 20 {
				break
			}
		}
	})
}

func BenchmarkItems(b *testing.B) {
	ports := make([]int, 1000)
	for i := range ports {
		ports[i] = i + 1
	}
	s, err := Parse(ctx, []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, Options{DefaultPorts: ports})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for _, it := range s.Items(0) {
		if !it.IP.IsValid() {
			b.Fatal("bad item")
		}
		if n++; n == b.N {
			break
		}
	}
}
