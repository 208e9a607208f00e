package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	listenLine = regexp.MustCompile(`listening on (https?://\S+)/`)
	tokenLine  = regexp.MustCompile(`^\s+(lwt_\S+)$`)
)

// startServe runs `leakwatch serve` as a child process and returns its base
// URL and the token it printed ("" when none).
func startServe(t *testing.T, db string, extra ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := cli(t, ctx, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	token := ""
	for sc.Scan() {
		if m := tokenLine.FindStringSubmatch(sc.Text()); m != nil {
			token = m[1]
		}
		if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, out)
			return m[1], token
		}
	}
	t.Fatalf("serve never said where it listens: %v", sc.Err())
	return "", ""
}

func TestServeTokenOnceAndAuth(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lw.db")
	base, token := startServe(t, db)
	if !strings.HasPrefix(token, "lwt_") {
		t.Fatalf("first start printed no token")
	}
	fi, err := os.Stat(filepath.Join(filepath.Dir(db), "web-token.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	get := func(path, authz string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get("/api/v1/overview", ""); c != 401 {
		t.Fatalf("no token: %d", c)
	}
	if c := get("/api/v1/overview", "Bearer "+token); c != 200 {
		t.Fatalf("token: %d", c)
	}
	if c := get("/login", ""); c != 200 {
		t.Fatalf("login form: %d", c)
	}
	// A second server on the same store prints no token and takes the same one.
	base, token2 := startServe(t, db)
	if token2 != "" {
		t.Fatal("the token was printed again")
	}
	if c := get("/api/v1/scans", "Bearer "+token); c != 200 {
		t.Fatalf("token after restart: %d", c)
	}
}

func TestServeWarnsWithoutTLSOffLoopback(t *testing.T) {
	if !loopbackAddr(mustTCPAddr(t, "127.0.0.1:1")) || loopbackAddr(mustTCPAddr(t, "0.0.0.0:1")) ||
		loopbackAddr(mustTCPAddr(t, "[::]:1")) || !loopbackAddr(mustTCPAddr(t, "[::1]:1")) {
		t.Fatal("loopbackAddr is wrong")
	}
	if w := plainHTTPWarning(mustTCPAddr(t, "0.0.0.0:8484")); !strings.Contains(w, "WITHOUT TLS") {
		t.Fatalf("no warning for a wildcard bind: %q", w)
	}
	if w := plainHTTPWarning(mustTCPAddr(t, "127.0.0.1:8484")); w != "" {
		t.Fatalf("a warning on loopback: %q", w)
	}
	_, stderr, code := runCLI(t, "serve", "--tls-cert", "x.pem")
	if code != exitFailure || !strings.Contains(stderr, "--tls-key") {
		t.Fatalf("--tls-cert without --tls-key: %d %q", code, stderr)
	}
}

func mustTCPAddr(t *testing.T, s string) *net.TCPAddr {
	t.Helper()
	a, err := net.ResolveTCPAddr("tcp", s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certPath, keyPath := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	base, _ := startServe(t, filepath.Join(dir, "lw.db"), "--tls-cert", certPath, "--tls-key", keyPath)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("TLS server announced %s", base)
	}
	pool := x509.NewCertPool()
	pool.AddCert(must(x509.ParseCertificate(der)))
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("over TLS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	var secure bool
	for _, ck := range resp.Cookies() {
		secure = secure || (strings.HasPrefix(ck.Name, "__Host-") && ck.Secure)
	}
	if !secure {
		t.Fatalf("cookies over TLS are not Secure with the __Host- prefix: %v", resp.Header["Set-Cookie"])
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
