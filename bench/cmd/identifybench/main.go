// Command identifybench identifies every lab server at once, as a scan
// would, and prints how long identification took per service and whether
// every service was identified as itself.
//
// It reads lab/run/lab.env, takes every published *_OPEN, *_AUTH and *_ODD
// address, and runs probe.IdentifyService with all.Probes() on all of them
// concurrently (port owners first, then the other probes, as the scan
// pipeline does). Then, unless -claims=false, it asks every probe's Identify
// on every address on its own (bounded concurrency) and reports any address
// that a probe other than its own claims: the winner of IdentifyService could
// hide a second claimant. Exit status 1 on any WRONG row or extra claim; a
// server that refuses every connection is DOWN, not WRONG.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/all"
)

// expected maps a lab key's prefix (REDIS of REDIS_OPEN) to the probe that
// must recognise it. Keep in step with lab/services and TestScanLab.
var expected = map[string]string{
	"REDIS": "redis", "MEMCACHED": "memcached", "ETCD": "etcd", "ZOOKEEPER": "zookeeper",
	"PG": "postgresql", "MYSQL": "mysql", "MONGO": "mongodb",
	"ZINC": "elasticsearch", "ES": "elasticsearch", "ES7": "elasticsearch", "OPENSEARCH": "elasticsearch",
	"COUCHDB": "couchdb", "INFLUX": "influxdb", "CLICKHOUSE": "clickhouse",
	"PROM": "prometheus", "VM": "prometheus", "REGISTRY": "docker-registry", "S3": "s3",
	"RABBITMQ": "rabbitmq", "SOLR": "solr", "CASSANDRA": "cassandra", "KAFKA": "kafka",
}

// server is one published lab address.
type server struct {
	key    string // REDIS_OPEN
	target probe.Target
	want   string // probe name; "" when no registered probe covers it
	known  bool   // the prefix is in expected
}

// result is one server's identification.
type result struct {
	server
	got     string
	down    bool // refused a plain connection just before: left out
	elapsed time.Duration
	outcome probe.Outcome
}

func main() {
	envFile := flag.String("env", "lab/run/lab.env", "the lab's published addresses")
	portTimeout := flag.Duration("port-timeout", 30*time.Second, "identification of one port across all probes (the scan's IdentifyPortTimeout)")
	connect := flag.Duration("timeout", 2*time.Second, "connect timeout (the scan's --timeout default)")
	claims := flag.Bool("claims", true, "also ask every probe on every address and report extra claimants")
	parallel := flag.Int("claims-parallel", 32, "Identify calls at once in the claims check")
	flag.Parse()

	servers, err := readLab(*envFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "identifybench:", err)
		os.Exit(2)
	}
	if len(servers) == 0 {
		fmt.Fprintln(os.Stderr, "identifybench: no *_OPEN/*_AUTH/*_ODD address in", *envFile, "(lab/lab.sh up)")
		os.Exit(2)
	}
	limits := probe.DefaultLimits()
	limits.ConnectTimeout = *connect
	env := probe.NewEnv(limits)
	probes := all.Probes()

	start := time.Now()
	results := identifyAll(env, probes, servers, *portTimeout)
	wall := time.Since(start)
	bad := printTable(results)
	nDown := 0
	for _, r := range results {
		if r.down {
			nDown++
		}
	}
	fmt.Printf("\n%d addresses (%d down) identified concurrently in %d ms (slowest %d ms); %d probes registered\n",
		len(results), nDown, wall.Milliseconds(), slowest(results).Milliseconds(), len(probes))

	if *claims {
		cstart := time.Now()
		extra := claimants(env, probes, servers, *parallel)
		fmt.Printf("claims check: %d probes × %d addresses in %d ms: ", len(probes), len(servers), time.Since(cstart).Milliseconds())
		if len(extra) == 0 {
			fmt.Println("no probe claims another service")
		} else {
			fmt.Printf("%d extra claims\n", len(extra))
			for _, e := range extra {
				fmt.Println("  CROSS", e)
			}
			bad += len(extra)
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

// readLab returns the *_OPEN/_AUTH/_ODD addresses of the lab file, sorted by key.
func readLab(path string) ([]server, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	registered := map[string]bool{}
	for _, p := range all.Probes() {
		registered[p.Name()] = true
	}
	var out []server
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		k, found := strings.CutPrefix(k, "LEAKWATCH_LAB_")
		if !ok || !found {
			continue
		}
		prefix, suffix, _ := cut(k)
		if !slices.Contains([]string{"OPEN", "AUTH", "ODD"}, suffix) {
			continue
		}
		ap, err := netip.ParseAddrPort(v)
		if err != nil {
			continue // a path or a count that happens to end in _OPEN
		}
		want, known := expected[prefix]
		if !registered[want] {
			want = ""
		}
		out = append(out, server{key: k, target: probe.Target{IP: ap.Addr(), Port: int(ap.Port())}, want: want, known: known})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, sc.Err()
}

// cut splits REDIS_OPEN into REDIS and OPEN (at the last underscore).
func cut(k string) (string, string, bool) {
	i := strings.LastIndexByte(k, '_')
	if i < 0 {
		return k, "", false
	}
	return k[:i], k[i+1:], true
}

// identifyAll runs IdentifyService on every server at once and times each.
func identifyAll(env *probe.Env, probes []probe.Probe, servers []server, portTimeout time.Duration) []result {
	results := make([]result, len(servers))
	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Go(func() {
			// A lab server that is down (or restarting) says nothing about
			// identification; the lab's status reports it. Checked with a
			// plain dial, not from the Outcome: a probe that swallows its dial
			// error is counted there as a silent port.
			if down(s.target) {
				results[i] = result{server: s, down: true}
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), portTimeout)
			defer cancel()
			t0 := time.Now()
			p, _, out := probe.IdentifyService(ctx, env, probes, s.target)
			r := result{server: s, elapsed: time.Since(t0), outcome: out}
			if p != nil {
				r.got = p.Name()
			}
			results[i] = r
		})
	}
	wg.Wait()
	return results
}

// printTable prints one row per server and returns the number of WRONG rows.
func printTable(results []result) int {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE KEY\tADDRESS\tIDENTIFIED AS\tEXPECTED\tTIME (ms)\tRESULT")
	bad := 0
	for _, r := range results {
		got, want := orNone(r.got), orNone(r.want)
		verdict := "OK"
		switch {
		case !r.known:
			verdict = "UNMAPPED (add its prefix to expected)"
		case r.down:
			verdict = "DOWN (refused before identification; not identified)"
		case r.got != r.want:
			verdict = "WRONG"
			bad++
		}
		if r.want == "" && r.known {
			want += " (no probe registered)"
		}
		if verdict == "WRONG" && r.got == "" {
			o := r.outcome
			verdict += fmt.Sprintf(" (%d probes tried: %d answered, %d timed out, %d refused)", o.Tried, o.Answered, o.TimedOut, o.Refused)
		}
		ms := fmt.Sprint(r.elapsed.Milliseconds())
		if r.down {
			ms = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.key, r.target.Addr(), got, want, ms, verdict)
	}
	w.Flush()
	return bad
}

// down reports whether the address refuses connections.
func down(t probe.Target) bool {
	c, err := net.DialTimeout("tcp", t.Addr(), 2*time.Second)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	c.Close()
	return false
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func slowest(results []result) time.Duration {
	var m time.Duration
	for _, r := range results {
		m = max(m, r.elapsed)
	}
	return m
}

// claimants asks every probe's Identify on every server on its own and
// returns a line per claim by a probe that is not the server's own.
func claimants(env *probe.Env, probes []probe.Probe, servers []server, parallel int) []string {
	var mu sync.Mutex
	var extra []string
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for _, s := range servers {
		for _, p := range probes {
			if p.Name() == s.want {
				continue
			}
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				if svc := identifyOne(env, p, s.target); svc != "" {
					mu.Lock()
					extra = append(extra, fmt.Sprintf("%s %s (%s) claimed by %s as %q", s.key, s.target.Addr(), orNone(s.want), p.Name(), svc))
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	sort.Strings(extra)
	return extra
}

// identifyOne runs one probe alone, through IdentifyService so that it gets
// the probe's own time limit and byte budget, and a panic is no claim.
func identifyOne(env *probe.Env, p probe.Probe, t probe.Target) string {
	_, svc, _ := probe.IdentifyService(context.Background(), env, []probe.Probe{p}, t)
	if svc == nil {
		return ""
	}
	return svc.Name + "/" + svc.Product
}
