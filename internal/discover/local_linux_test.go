package discover

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/leakwatch/leakwatch/internal/scope"
)

// TestLocalErrorsAreRetried runs out of file descriptors on purpose: socket()
// fails with EMFILE, which says nothing about the target, so the scan must
// back off and retry, and still find every open port with no errors.
func TestLocalErrorsAreRetried(t *testing.T) {
	var want []string
	portSet := map[int]bool{7: true, 8: true}
	for n := 1; n <= 5; n++ {
		l := listen(t, fmt.Sprintf("127.77.41.%d:0", 200+n))
		want = append(want, l.addrPort().String())
		portSet[int(l.addrPort().Port())] = true
	}
	var ports []int
	for p := range portSet {
		ports = append(ports, p)
	}
	sc, err := scope.Parse(context.Background(), []string{"127.77.41.200-210"}, nil, scope.Options{DefaultPorts: ports})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	// Silent ports keep sockets open until the timeout, so descriptors run out.
	var items []scope.Item
	for _, it := range sc.Items(0) {
		items = append(items, it)
	}
	const silent = 16
	for range silent {
		items = append(items, item(blackhole(t, "127.77.41.211")))
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			// Room for a handful of sockets only; 200 in flight are wanted.
			lim := unix.Rlimit{Cur: uint64(len(fds) + 8), Max: old.Max}
			if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
				t.Skipf("setrlimit: %v", err)
			}
			var c collector
			st, err := Scan(context.Background(), Config{Rate: -1, Concurrency: 200, Timeout: 300 * time.Millisecond, Engine: e.e}, itemsOf(items), c.add)
			if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
				t.Fatal(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(c.found)
			if fmt.Sprint(c.found) != fmt.Sprint(want) {
				t.Errorf("found %v, want %v", c.found, want)
			}
			if st.Errors != 0 || st.TimedOut != silent || st.Open+st.Closed != sc.Len() {
				t.Errorf("stats %+v", st)
			}
			if st.Retried == 0 {
				t.Errorf("no local error was provoked (stats %+v): the test proves nothing", st)
			}
			t.Logf("stats %+v", st)
		})
	}
}
