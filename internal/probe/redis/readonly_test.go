package redis_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/redis"
)

// rawClient is a minimal test client built on the probe's own RESP codec.
type rawClient struct {
	c net.Conn
	r *redis.Reader
}

func newRawClient(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{c: c, r: redis.NewReader(c, redis.Limits{MaxReply: 64 << 20, MaxBulk: 64 << 20, MaxElements: 1 << 22, MaxDepth: 8})}
}

func (rc *rawClient) do(t *testing.T, args ...string) redis.Value {
	t.Helper()
	_ = rc.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := rc.c.Write(redis.AppendCommand(nil, args...)); err != nil {
		t.Fatal(err)
	}
	v, err := rc.r.ReadReply()
	if err != nil || v.Kind == redis.KindError {
		t.Fatalf("%v: %v %s", args, err, v.Str)
	}
	return v
}

// snapshot digests everything Explore could change: per-database key names,
// types and values, the count of writes since the last save, and the
// persistence settings an attacker would rewrite.
func snapshot(t *testing.T, addr string) string {
	rc := newRawClient(t, addr)
	h := sha256.New()
	for _, db := range []string{"0", "1"} {
		rc.do(t, "SELECT", db)
		var keys []string
		cursor := "0"
		for {
			v := rc.do(t, "SCAN", cursor, "COUNT", "1000")
			cursor = v.Array[0].String()
			for _, k := range v.Array[1].Array {
				keys = append(keys, k.String())
			}
			if cursor == "0" {
				break
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			dump := rc.do(t, "DUMP", k) // serialised value, type included
			fmt.Fprintf(h, "%s\x00%s\x00%x\n", db, k, dump.Str)
		}
		fmt.Fprintf(h, "dbsize %s=%d\n", db, rc.do(t, "DBSIZE").Int)
	}
	for _, p := range []string{"dir", "dbfilename"} {
		fmt.Fprintf(h, "%s=%s\n", p, rc.do(t, "CONFIG", "GET", p).Array[1].Str)
	}
	info := redis.ParseInfo(rc.do(t, "INFO", "persistence").String())
	fmt.Fprintf(h, "changes=%s\n", info.Fields["rdb_changes_since_last_save"])
	return fmt.Sprintf("%x", h.Sum(nil))
}

// readCommands are the only commands the probe may send.
var readCommands = map[string]bool{
	"PING": true, "INFO": true, "DBSIZE": true, "SELECT": true, "SCAN": true, "TYPE": true,
	"GETRANGE": true, "HSCAN": true, "LRANGE": true, "SSCAN": true, "ZRANGE": true, "XRANGE": true,
	"CLIENT|SETNAME": true, "CONFIG|GET": true,
}

// TestExploreIsReadOnly watches the open instance with MONITOR while Explore
// runs and checks that only read commands came from the probe's connections,
// and that the data, the write counter and the persistence settings are
// unchanged afterwards. (Redis hides admin commands such as CONFIG from
// MONITOR; the snapshot covers CONFIG SET of dir/dbfilename.)
func TestExploreIsReadOnly(t *testing.T) {
	tg := probetest.LabTarget(t, "REDIS_OPEN")
	before := snapshot(t, tg.Addr())

	mon := newRawClient(t, tg.Addr())
	mon.do(t, "MONITOR") // +OK
	lines := make(chan string, 100000)
	go func() {
		defer close(lines)
		for {
			_ = mon.c.SetReadDeadline(time.Now().Add(10 * time.Second))
			v, err := mon.r.ReadReply()
			if err != nil {
				return
			}
			lines <- v.String()
		}
	}()

	// Remember the probe's local addresses to pick its lines out of MONITOR
	// (other tests may use the same server meanwhile).
	var mu sync.Mutex
	mine := map[string]bool{}
	env := testEnv()
	env.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			mu.Lock()
			mine[c.LocalAddr().String()] = true
			mu.Unlock()
		}
		return c, err
	}
	ev := explore(t, env, tg)
	if ev.Status != "open" {
		t.Fatalf("status %s: %v", ev.Status, ev.Errors)
	}
	// A sentinel through the probe's path would be a write; instead wait for
	// the last command of Explore to show up by polling briefly.
	time.Sleep(300 * time.Millisecond)
	mon.c.Close()

	seen := map[string]int{}
	for l := range lines {
		// 1733290000.123456 [0 127.0.0.1:54321] "SCAN" "0" "COUNT" "1000"
		_, rest, ok := strings.Cut(l, " [")
		if !ok {
			continue
		}
		hdr, cmd, ok := strings.Cut(rest, "] ")
		if !ok {
			continue
		}
		f := strings.Fields(hdr)
		mu.Lock()
		ours := len(f) == 2 && mine[f[1]]
		mu.Unlock()
		if !ours {
			continue
		}
		args := strings.Fields(cmd)
		name := strings.ToUpper(strings.Trim(args[0], `"`))
		if (name == "CLIENT" || name == "CONFIG") && len(args) > 1 {
			name += "|" + strings.ToUpper(strings.Trim(args[1], `"`))
		}
		seen[name]++
		if !readCommands[name] {
			t.Errorf("probe sent a non-read command: %s", cmd)
		}
	}
	t.Logf("commands seen: %v", seen)
	for _, want := range []string{"INFO", "SCAN", "TYPE", "HSCAN", "SELECT"} {
		if seen[want] == 0 {
			t.Errorf("MONITOR saw no %s from the probe: the test would miss writes too (%v)", want, seen)
		}
	}
	if after := snapshot(t, tg.Addr()); after != before {
		t.Errorf("server state changed during Explore: %s -> %s", before, after)
	}
}
