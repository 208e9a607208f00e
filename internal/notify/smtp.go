package notify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/leakwatch/leakwatch/internal/store"
)

// Mail sends each alert as one plain-text e-mail over SMTP.
type Mail struct {
	ChannelName string
	Addr        string // host:port
	From        string
	To          []string
	Username    string // PLAIN auth when set (only over TLS)
	Password    string
	// TLS: "starttls" (required), "tls" (implicit, port 465) or "none";
	// "" = "starttls" with a Username, else "none" (a local relay).
	TLS        string
	ServerName string // for the certificate check (default: Addr's host)
	Min        string
	Timeout    time.Duration // whole conversation (0: 30 s)
}

// Name implements Channel.
func (m *Mail) Name() string { return m.ChannelName }

// MinSeverity implements Channel.
func (m *Mail) MinSeverity() string { return m.Min }

// Send implements Channel.
func (m *Mail) Send(ctx context.Context, a store.Alert) error {
	if m.From == "" || len(m.To) == 0 {
		return errors.New("mail channel needs from and to")
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", m.Addr, err)
	}
	serverName := m.ServerName
	if serverName == "" {
		serverName = host
	}
	tlsCfg := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline) // the whole conversation, however slow the server
	mode := m.TLS
	if mode == "" && m.Username != "" {
		mode = "starttls"
	}
	var c *smtp.Client
	switch mode {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, tlsCfg))
	case "starttls":
		if c, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return fmt.Errorf("starttls: %w", err)
		}
	case "", "none":
		c = smtp.NewClient(conn)
	default:
		conn.Close()
		return fmt.Errorf("smtp tls mode %q: want starttls, tls or none", m.TLS)
	}
	defer c.Close()
	if mode != "starttls" { // NewClientStartTLS said hello already
		if err := c.Hello("leakwatch"); err != nil {
			return err
		}
	}
	if m.Username != "" {
		if _, isTLS := c.TLSConnectionState(); !isTLS {
			return errors.New("refusing to send the SMTP password without TLS")
		}
		if err := c.Auth(sasl.NewPlainClient("", m.Username, m.Password)); err != nil {
			return err
		}
	}
	if err := c.SendMail(m.From, m.To, strings.NewReader(m.message(a))); err != nil {
		return err
	}
	return c.Quit()
}

// message builds the RFC 5322 message. The Message-ID derives from the
// dedupe key, so a mail system can also drop a repeat.
func (m *Mail) message(a store.Alert) string {
	sum := sha256.Sum256([]byte(a.DedupeKey))
	var b strings.Builder
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", m.From)
	header("To", strings.Join(m.To, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", firstLine(Text(a))))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@leakwatch>")
	header("X-Leakwatch-Delivery", a.DedupeKey)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	// go-smtp's DATA writer dot-stuffs lines that start with ".".
	for line := range strings.SplitSeq(Text(a), "\n") {
		b.WriteString(line + "\r\n")
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
