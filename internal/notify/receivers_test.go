package notify

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Real receivers on loopback: an HTTP server that checks signatures, and a
// go-smtp server whose backend files every message into a Maildir.

const testIP = "127.77.46.1"

// hookReceiver answers 503 while down, else records each delivery.
type hookReceiver struct {
	secret []byte
	down   atomic.Bool

	mu       sync.Mutex
	hooks    map[string]int // dedupe key → deliveries to /hook
	slack    []string       // texts posted to /slack
	badSig   int
	attempts int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts++
	if h.down.Load() {
		http.Error(w, "receiver down for maintenance", http.StatusServiceUnavailable)
		return
	}
	switch r.URL.Path {
	case "/hook":
		if !Verify(h.secret, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body) {
			h.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil || p.Schema != SchemaVersion || p.DedupeKey != r.Header.Get(HeaderDelivery) {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		h.hooks[p.DedupeKey]++
	case "/slack":
		var m map[string]string
		if err := json.Unmarshal(body, &m); err != nil || m["text"] == "" {
			http.Error(w, "bad slack payload", http.StatusBadRequest)
			return
		}
		h.slack = append(h.slack, m["text"])
	default:
		http.NotFound(w, r)
	}
}

func startHookReceiver(t *testing.T, secret []byte) (*hookReceiver, string) {
	return startHookReceiverB(t, secret)
}

func startHookReceiverB(t testing.TB, secret []byte) (*hookReceiver, string) {
	t.Helper()
	ln, err := net.Listen("tcp", testIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hookReceiver{secret: secret, hooks: map[string]int{}}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return h, "http://" + ln.Addr().String()
}

// maildirBackend stores each accepted message as one file in dir/new.
type maildirBackend struct {
	dir string
	n   atomic.Int64
}

func (b *maildirBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &maildirSession{b: b}, nil
}

type maildirSession struct {
	b    *maildirBackend
	from string
	to   []string
}

func (s *maildirSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *maildirSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *maildirSession) Reset()        { s.from, s.to = "", nil }
func (s *maildirSession) Logout() error { return nil }
func (s *maildirSession) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	// Maildir: write in tmp, rename into new (atomic for the reader).
	name := fmt.Sprintf("%d.%d.leakwatch-test", time.Now().UnixNano(), s.b.n.Add(1))
	tmp := filepath.Join(s.b.dir, "tmp", name)
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(s.b.dir, "new", name))
}

// startSMTP serves SMTP on addr with a Maildir under dir.
func startSMTP(t *testing.T, addr, dir string) {
	t.Helper()
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	srv := smtp.NewServer(&maildirBackend{dir: dir})
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 1 << 20
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// readMaildir parses every delivered message.
func readMaildir(t *testing.T, dir string) []*mail.Message {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(dir, "new"))
	var out []*mail.Message
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, "new", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(f)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		body, _ := io.ReadAll(m.Body)
		f.Close()
		m.Body = nil
		m.Header["X-Test-Body"] = []string{string(body)}
		out = append(out, m)
	}
	return out
}

// freeAddr returns an address on testIP nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", testIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
