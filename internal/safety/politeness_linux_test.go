package safety

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/scan"
)

// blackholePort returns a port on ip whose SYNs go unanswered, as a
// firewalled port's do: a listener with backlog 0 whose accept queue is
// already full, so the kernel drops further SYNs.
func blackholePort(t *testing.T, ip string) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: netip.MustParseAddr(ip).As4()}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(sa.(*unix.SockaddrInet4).Port))
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return addr // queue full: this SYN was dropped
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("could not fill an accept queue: no way to blackhole a port on loopback here")
	return ""
}

// TestPerHostConcurrencyOnTheWire runs the pipeline's discovery over two
// hosts with six firewalled ports each and captures the SYNs on the
// loopback interface. A connection attempt to a firewalled port lasts the
// whole connect timeout T, so k first SYNs to one host within less than T
// mean k attempts in flight at once: with --per-host 2, no window of 0.9 T
// may hold three. The same run with per-host 6 must show more (the limit,
// not the machine, is what held).
func TestPerHostConcurrencyOnTheWire(t *testing.T) {
	hosts := []string{"127.77.48.31", "127.77.48.32"}
	var targets []string
	for _, h := range hosts {
		for range 6 {
			targets = append(targets, blackholePort(t, h))
		}
	}
	const timeout = 400 * time.Millisecond
	peak := func(perHost int) (perHostPeak, globalPeak int) {
		c := startCapture(t, nil, "lo")
		out := runPipeline(t, targets, scan.Config{
			Probes:   []probe.Probe{}, // discovery only: every SYN is an attempt of the limiter's
			Discover: discover.Config{Rate: -1, PerHost: perHost, Timeout: timeout},
		})
		c.stop()
		if out.err != nil {
			t.Fatal(out.err)
		}
		// First SYN of each attempt (retransmissions share the source port).
		starts := map[string][]time.Time{}
		seen := map[string]bool{}
		var all []time.Time
		for _, f := range c.snapshot() {
			if f.outgoing || f.proto != 6 || f.tcpFlags&(tcpSYN|tcpACK) != tcpSYN || !slices.Contains(hosts, f.dst) {
				continue
			}
			k := fmt.Sprintf("%s:%d>%s:%d", f.src, f.sport, f.dst, f.dport)
			if seen[k] {
				continue
			}
			seen[k] = true
			starts[f.dst] = append(starts[f.dst], f.at)
			all = append(all, f.at)
		}
		for _, h := range hosts {
			if len(starts[h]) < 6 {
				t.Fatalf("per-host %d: captured %d attempts to %s, want 6: the capture missed them", perHost, len(starts[h]), h)
			}
			perHostPeak = max(perHostPeak, maxInWindow(starts[h], timeout*9/10))
		}
		return perHostPeak, maxInWindow(all, timeout*9/10)
	}
	if p, g := peak(2); p > 2 {
		t.Errorf("--per-host 2: %d attempts to one host in flight at once (all hosts: %d)", p, g)
	} else if g < 3 {
		t.Errorf("--per-host 2 with two hosts: at most %d attempts in flight overall; the limit must be per host, not global", g)
	} else {
		t.Logf("per-host 2: peak %d per host, %d overall", p, g)
	}
	if p, _ := peak(6); p < 3 {
		t.Errorf("--per-host 6: peak %d per host; the measurement cannot tell the limit from the machine", p)
	} else {
		t.Logf("per-host 6: peak %d per host", p)
	}
}

// maxInWindow is the most timestamps found in any window of length w.
func maxInWindow(ts []time.Time, w time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
