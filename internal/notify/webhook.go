package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Webhook headers.
const (
	HeaderSignature = "X-Leakwatch-Signature" // sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>
	HeaderTimestamp = "X-Leakwatch-Timestamp" // Unix seconds, signed with the body (replay window)
	HeaderDelivery  = "X-Leakwatch-Delivery"  // the alert's dedupe key: receivers can drop a repeat
)

// Sign returns the signature header value for body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header in constant time (for receivers and tests).
func Verify(secret []byte, tsHeader, sigHeader string, body []byte) bool {
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(sigHeader))
}

// Webhook posts the alert as JSON (Payload), signed when it has a secret.
type Webhook struct {
	ChannelName string
	URL         string
	Secret      []byte
	Min         string
	Timeout     time.Duration // per request (0: 10 s)
	Client      *http.Client  // nil: one that follows no redirects
	// Body builds the request body (nil: Payload as JSON). Slack sets it.
	Body func(store.Alert) ([]byte, error)
	Now  func() time.Time
}

// Name implements Channel.
func (w *Webhook) Name() string { return w.ChannelName }

// MinSeverity implements Channel.
func (w *Webhook) MinSeverity() string { return w.Min }

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Send implements Channel: a 2xx answer is a delivery, anything else an error.
func (w *Webhook) Send(ctx context.Context, a store.Alert) error {
	body, err := w.body(a)
	if err != nil {
		return err
	}
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", probe.UserAgent)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderDelivery, a.DedupeKey)
	if len(w.Secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	}
	client := w.Client
	if client == nil {
		client = noRedirects
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// The answer is only read for an error message: at most 512 bytes.
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s: %s", w.ChannelName, resp.Status, strings.TrimSpace(string(excerpt)))
	}
	return nil
}

func (w *Webhook) body(a store.Alert) ([]byte, error) {
	if w.Body != nil {
		return w.Body(a)
	}
	return json.Marshal(PayloadOf(a))
}

// NewSlack returns a channel for a Slack-compatible incoming webhook
// (Slack, Mattermost, Rocket.Chat): {"text": "..."}.
func NewSlack(name, url, min string) *Webhook {
	return &Webhook{ChannelName: name, URL: url, Min: min, Body: func(a store.Alert) ([]byte, error) {
		return json.Marshal(map[string]string{"text": Text(a)})
	}}
}

// Text is a one-paragraph human summary of an alert (Slack, e-mail body).
func Text(a store.Alert) string {
	var b strings.Builder
	sev := a.Severity
	if sev == "" {
		sev = "unrated"
	}
	fmt.Fprintf(&b, "[leakwatch %s] %s", strings.ToUpper(sev), a.Title)
	if a.Detail != "" {
		fmt.Fprintf(&b, "\n%s", a.Detail)
	}
	fmt.Fprintf(&b, "\nexposure %s, scan %s", a.Fingerprint, a.ScanID)
	if a.Container != "" {
		fmt.Fprintf(&b, ", container %s", a.Container)
	}
	return b.String()
}
