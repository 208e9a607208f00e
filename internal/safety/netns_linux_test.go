package safety

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The scope proof's network: one namespace per host, each joined to the
// scanner's namespace by its own veth pair on a /30 of 10.199.0.0/16. The
// namespaces have no link to the machine's own network, so these private
// addresses never leave it.

// netns is one network namespace created for a test (removed at cleanup).
type netns struct{ name string }

// lab is the set of namespaces of one test run.
type lab struct {
	t      *testing.T
	prefix string // unique per run: names of namespaces and veths start with it
	spare  int    // next /30 subnet index
}

func newLab(t *testing.T) *lab {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("network namespaces are Linux only")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2 (ip) is not installed")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	l := &lab{t: t, prefix: "lw" + hex.EncodeToString(b)}
	// Probe the permission once with a throwaway namespace.
	probe := l.prefix + "p"
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		t.Skipf("scope proof needs `ip netns add` (root or CAP_SYS_ADMIN): %v: %s", err, strings.TrimSpace(string(out)))
	}
	_ = exec.Command("ip", "netns", "del", probe).Run()
	return l
}

// run runs a command and fails the test with its output on error.
func (l *lab) run(args ...string) {
	l.t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		l.t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// ns creates a namespace with lo up and IPv6 off (no router/neighbour
// solicitations: a silent link is what lets "zero frames" mean something).
func (l *lab) ns(suffix string) *netns {
	l.t.Helper()
	n := &netns{name: l.prefix + suffix}
	l.run("ip", "netns", "add", n.name)
	l.t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", n.name).Run() })
	l.run("ip", "netns", "exec", n.name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
	l.run("ip", "-n", n.name, "link", "set", "lo", "up")
	return n
}

// link joins the scanner namespace s to host h with a veth pair on the next
// 10.199.N.0/30: s gets .1, h gets .2. It returns the host's address and the
// names of both ends (the scanner's end, the host's end).
func (l *lab) link(s, h *netns) (hostIP, sEnd, hEnd string) {
	l.t.Helper()
	l.spare++
	n := l.spare
	sEnd, hEnd = fmt.Sprintf("%ss%d", l.prefix, n), fmt.Sprintf("%sh%d", l.prefix, n)
	l.run("ip", "link", "add", sEnd, "type", "veth", "peer", "name", hEnd)
	l.run("ip", "link", "set", sEnd, "netns", s.name)
	l.run("ip", "link", "set", hEnd, "netns", h.name)
	for _, e := range []struct{ ns, dev, ip string }{{s.name, sEnd, fmt.Sprintf("10.199.%d.1/30", n)}, {h.name, hEnd, fmt.Sprintf("10.199.%d.2/30", n)}} {
		l.run("ip", "netns", "exec", e.ns, "sysctl", "-qw", "net.ipv6.conf."+e.dev+".disable_ipv6=1")
		l.run("ip", "-n", e.ns, "addr", "add", e.ip, "dev", e.dev)
		l.run("ip", "-n", e.ns, "link", "set", e.dev, "up")
	}
	return fmt.Sprintf("10.199.%d.2", n), sEnd, hEnd
}

// resolvConf makes `ip netns exec ns` processes use nameserver (iproute2
// bind-mounts /etc/netns/<ns>/* over /etc/*).
func (l *lab) resolvConf(n *netns, nameserver string) {
	l.t.Helper()
	dir := filepath.Join("/etc/netns", n.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(func() { _ = os.RemoveAll(dir) })
	conf := "nameserver " + nameserver + "\noptions timeout:1 attempts:1\n"
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(conf), 0o644); err != nil {
		l.t.Fatal(err)
	}
	// An empty hosts file: no name may be answered from the machine's own.
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte("127.0.0.1 localhost\n"), 0o644); err != nil {
		l.t.Fatal(err)
	}
}

// inNetns runs fn on an OS thread switched into namespace n. Sockets created
// there stay in n for their whole life, so one test process can listen in
// many namespaces. If the thread cannot be switched back it stays locked and
// dies with its goroutine instead of running other goroutines in n.
func inNetns(n *netns, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(filepath.Join("/run/netns", n.name))
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", n.name, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns back: %w", err) // thread stays locked: it exits with us
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// frame is one captured link-layer frame, summarised.
type frame struct {
	at        time.Time
	etherType uint16
	proto     byte   // IPv4 protocol
	src, dst  string // IPv4 addresses (or "")
	sport     uint16 // TCP/UDP source port
	dport     uint16 // TCP/UDP destination port
	tcpFlags  byte
	outgoing  bool // PACKET_OUTGOING: the copy of a frame this host sent (lo shows both)
}

const (
	tcpSYN = 0x02
	tcpACK = 0x10
)

func (f frame) String() string {
	return fmt.Sprintf("ethertype %#04x proto %d %s -> %s:%d", f.etherType, f.proto, f.src, f.dst, f.dport)
}

// capture records every frame seen on one interface (both directions)
// through an AF_PACKET socket opened inside the interface's namespace.
type capture struct {
	iface   string
	fd      int
	stopped atomic.Bool
	mu      sync.Mutex
	frames  []frame
	done    chan struct{}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// startCapture captures on iface inside n (nil: the test's own namespace).
func startCapture(t *testing.T, n *netns, iface string) *capture {
	t.Helper()
	c := &capture{iface: iface, fd: -1, done: make(chan struct{})}
	in := func(fn func() error) error { return inNetns(n, fn) }
	if n == nil {
		in = func(fn func() error) error { return fn() }
	}
	err := in(func() error {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
		if err != nil {
			return fmt.Errorf("AF_PACKET socket: %w", err)
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
			unix.Close(fd)
			return err
		}
		tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
		// Kernel timestamps: a loaded machine may read frames late, but
		// their times must be when they crossed the interface.
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			unix.Close(fd)
			return err
		}
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			unix.Close(fd)
			return err
		}
		c.fd = fd
		return nil
	})
	if err != nil {
		t.Fatalf("capture on %s: %v", iface, err)
	}
	go c.loop()
	t.Cleanup(func() { c.stop() })
	return c
}

func (c *capture) loop() {
	defer close(c.done)
	buf := make([]byte, 256) // headers are enough
	oob := make([]byte, 128)
	for !c.stopped.Load() {
		n, oobn, _, from, err := unix.Recvmsg(c.fd, buf, oob, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue // the 100 ms receive timeout: look at stopped again
		}
		if err != nil {
			return
		}
		c.mu.Lock()
		f := parseFrame(buf[:n])
		if at, ok := kernelTime(oob[:oobn]); ok {
			f.at = at
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok {
			f.outgoing = ll.Pkttype == unix.PACKET_OUTGOING
		}
		c.frames = append(c.frames, f)
		c.mu.Unlock()
	}
}

// stop ends the capture (idempotent).
func (c *capture) stop() {
	if c.stopped.Swap(true) {
		return
	}
	<-c.done // within one receive timeout
	unix.Close(c.fd)
}

func (c *capture) snapshot() []frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]frame(nil), c.frames...)
}

// kernelTime extracts the SCM_TIMESTAMPNS control message.
func kernelTime(oob []byte) (time.Time, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return time.Unix(sec, nsec), true
		}
	}
	return time.Time{}, false
}

func parseFrame(b []byte) frame {
	f := frame{at: time.Now()}
	if len(b) < 14 {
		return f
	}
	f.etherType = binary.BigEndian.Uint16(b[12:14])
	ip := b[14:]
	if f.etherType != 0x0800 || len(ip) < 20 {
		return f
	}
	f.proto = ip[9]
	f.src, f.dst = net.IP(ip[12:16]).String(), net.IP(ip[16:20]).String()
	hl := int(ip[0]&0x0f) * 4
	if (f.proto == 6 || f.proto == 17) && len(ip) >= hl+4 {
		f.sport = binary.BigEndian.Uint16(ip[hl : hl+2])
		f.dport = binary.BigEndian.Uint16(ip[hl+2 : hl+4])
	}
	if f.proto == 6 && len(ip) >= hl+14 {
		f.tcpFlags = ip[hl+13]
	}
	return f
}
