package watch

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A real redis-server the test owns, so it can stop it, restart it with
// other data and delete keys (the shared lab instance must not change).
type redisServer struct {
	t    *testing.T
	addr string
	dir  string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, ip string, port int, dir string) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	r := &redisServer{t: t, addr: net.JoinHostPort(ip, fmt.Sprint(port)), dir: dir}
	r.cmd = exec.Command("redis-server", "--bind", ip, "--port", fmt.Sprint(port), "--dir", dir,
		"--save", "", "--appendonly", "no", "--protected-mode", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", r.addr, 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis on %s did not start", r.addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Wait for the port to answer PING (redis accepts before loading).
	for r.cli("PING") != "PONG" {
		if time.Now().After(deadline) {
			t.Fatalf("redis on %s does not answer PING", r.addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return r
}

// stop kills this test's own server by its PID.
func (r *redisServer) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

func (r *redisServer) cli(args ...string) string {
	host, port, _ := net.SplitHostPort(r.addr)
	out, err := exec.Command("redis-cli", append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	if err != nil {
		r.t.Logf("redis-cli %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// eval runs a Lua script: one atomic change, so no scan sees half of it.
func (r *redisServer) eval(script string) {
	r.t.Helper()
	if out := r.cli("EVAL", script, "0"); strings.Contains(out, "ERR") {
		r.t.Fatalf("EVAL: %s", out)
	}
}

func (r *redisServer) dbsize() string { return r.cli("DBSIZE") }

// Leak-shaped fake data.
const (
	// 1200 cache entries without personal data.
	seedCache = `for i=1,1200 do redis.call('SET', 'cache:'..i, 'hits=' .. (i % 7) .. ' ttl=300') end return 1`
	// The same keys now hold customer records (e-mail, phone).
	seedCustomers = `for i=1,1200 do redis.call('SET', 'cache:'..i, cjson.encode({name='Customer '..i, ` +
		`email='customer'..i..'@example.com', phone='+1555010'..string.format('%04d', i)})) end return 1`
	// A new server: 1200 records with credentials.
	seedCredentials = `for i=1,1200 do redis.call('SET', 'user:'..i, cjson.encode({user='u'..i, ` +
		`email='user'..i..'@example.org', password='Winter2026!'..i, ` +
		`db_url='postgres://app:S3cretPass'..i..'@db01.corp.internal:5432/app'})) end return 1`
	// Keep 40 of them.
	wipeMost = `for i=41,1200 do redis.call('DEL', 'user:'..i) end return 1`
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
