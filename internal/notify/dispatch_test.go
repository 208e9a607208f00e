package notify

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "lw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func passes(sev, min string) bool {
	return min == "" || event.Severity(sev).Rank() >= event.Severity(min).Rank()
}

// recordTestAlerts stores n alerts of one scan, routed to the channels.
func recordTestAlerts(t *testing.T, st *store.Store, chans []Channel, n int) []store.Alert {
	t.Helper()
	ctx := context.Background()
	sc, err := st.OpenScan(ctx, store.NewScan{})
	if err != nil {
		t.Fatal(err)
	}
	sevs := []string{"critical", "low", "high", "medium", "info"}
	var as []store.Alert
	for i := range n {
		fp := fmt.Sprintf("127.77.46.9:%d/redis", 7000+i)
		as = append(as, store.Alert{DedupeKey: "opened|" + fp + "||" + sc.ID, ScanID: sc.ID, Fingerprint: fp,
			IP: "127.77.46.9", Port: 7000 + i, Service: "redis", Kind: "opened", Severity: sevs[i%len(sevs)],
			Title: fmt.Sprintf("opened: redis on 127.77.46.9:%d", 7000+i), Detail: ".dot-started line\nsecond line"})
	}
	batch := store.AlertBatch{ScanID: sc.ID, Alerts: as, Channels: func(a store.Alert) []string {
		var out []string
		for _, c := range chans {
			if passes(a.Severity, c.MinSeverity()) {
				out = append(out, c.Name())
			}
		}
		return out
	}}
	stored, done, err := st.RecordAlerts(ctx, batch)
	if err != nil || done || len(stored) != n {
		t.Fatalf("RecordAlerts: %d stored, done=%v, %v", len(stored), done, err)
	}
	// A repeated computation of the same scan stores nothing.
	again, done, err := st.RecordAlerts(ctx, batch)
	if err != nil || !done || len(again) != 0 {
		t.Fatalf("second RecordAlerts: %d stored, done=%v, %v", len(again), done, err)
	}
	return stored
}

// The receivers are down (HTTP 503, SMTP port closed) for several rounds of
// retries, then come up: every alert arrives exactly once on every channel
// that wants it, signed, and the outbox records the failed attempts.
func TestDeliveryRetriesUntilReceiversComeBack(t *testing.T) {
	st := openStore(t)
	secret := []byte("s3cret-hmac-key")
	recv, base := startHookReceiver(t, secret)
	recv.down.Store(true)
	smtpAddr, maildir := freeAddr(t), t.TempDir()

	chans := []Channel{
		&Webhook{ChannelName: "hook", URL: base + "/hook", Secret: secret},
		NewSlack("slack", base+"/slack", "high"),
		&Mail{ChannelName: "mail", Addr: smtpAddr, From: "leakwatch@example.test", To: []string{"soc@example.test"}},
	}
	const n = 10
	alerts := recordTestAlerts(t, st, chans, n)
	wantSlack := 0
	for _, a := range alerts {
		if passes(a.Severity, "high") {
			wantSlack++
		}
	}

	var logMu sync.Mutex
	var logs []string
	d := &Dispatcher{Store: st, Channels: chans, Poll: 20 * time.Millisecond,
		Backoff: func(int) time.Duration { return 30 * time.Millisecond },
		Log:     func(f string, a ...any) { logMu.Lock(); logs = append(logs, fmt.Sprintf(f, a...)); logMu.Unlock() }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()

	// Down: wait until every channel failed at least three times.
	waitFor(t, 20*time.Second, "three failed attempts per channel", func() bool {
		list, err := st.ListAlerts(context.Background(), store.AlertFilter{Limit: n})
		if err != nil {
			t.Fatal(err)
		}
		fails := map[string]int{}
		for _, a := range list {
			for _, dl := range a.Deliveries {
				if dl.Status == store.DeliveryDelivered {
					t.Fatalf("delivered while the receivers are down: %+v", dl)
				}
				fails[dl.Channel] = max(fails[dl.Channel], dl.Attempts)
			}
		}
		return fails["hook"] >= 3 && fails["slack"] >= 3 && fails["mail"] >= 3
	})

	// Up.
	recv.down.Store(false)
	startSMTP(t, smtpAddr, maildir)
	waitFor(t, 30*time.Second, "every delivery done", func() bool {
		list, _ := st.ListAlerts(context.Background(), store.AlertFilter{Limit: n})
		for _, a := range list {
			for _, dl := range a.Deliveries {
				if dl.Status != store.DeliveryDelivered {
					return false
				}
			}
		}
		return true
	})
	cancel()
	<-done

	// A second dispatcher (a restarted watcher) finds nothing to send.
	d2 := &Dispatcher{Store: st, Channels: chans}
	if sent, failed, err := d2.Once(context.Background()); sent+failed != 0 || err != nil {
		t.Fatalf("restarted dispatcher sent %d, failed %d, %v", sent, failed, err)
	}

	recv.mu.Lock()
	defer recv.mu.Unlock()
	if recv.badSig != 0 {
		t.Errorf("%d requests with a bad signature", recv.badSig)
	}
	for _, a := range alerts {
		if got := recv.hooks[a.DedupeKey]; got != 1 {
			t.Errorf("webhook got %s %d times, want once", a.DedupeKey, got)
		}
	}
	if len(recv.hooks) != n {
		t.Errorf("webhook got %d distinct alerts, want %d", len(recv.hooks), n)
	}
	if len(recv.slack) != wantSlack {
		t.Errorf("slack got %d messages, want %d (high and critical only)", len(recv.slack), wantSlack)
	}
	for _, txt := range recv.slack {
		if !strings.Contains(txt, "[leakwatch HIGH]") && !strings.Contains(txt, "[leakwatch CRITICAL]") {
			t.Errorf("slack got a message below its minimum: %q", txt)
		}
	}
	msgs := readMaildir(t, maildir)
	perKey := map[string]int{}
	for _, m := range msgs {
		perKey[m.Header.Get("X-Leakwatch-Delivery")]++
		if body := m.Header.Get("X-Test-Body"); !strings.Contains(body, ".dot-started line") {
			t.Errorf("mail body lost its dot-started line: %q", body)
		}
	}
	for _, a := range alerts {
		if perKey[a.DedupeKey] != 1 {
			t.Errorf("mailbox holds %s %d times, want once", a.DedupeKey, perKey[a.DedupeKey])
		}
	}
	if len(msgs) != n {
		t.Errorf("mailbox holds %d messages, want %d", len(msgs), n)
	}

	// A down channel is tried with its oldest pending alert only (the rest
	// wait instead of piling up failures): that one carries the record.
	list, _ := st.ListAlerts(context.Background(), store.AlertFilter{Limit: n})
	worst := map[string]store.Delivery{}
	for _, a := range list {
		for _, dl := range a.Deliveries {
			if dl.DeliveredAt == nil || dl.Attempts < 1 {
				t.Errorf("alert %d to %s: %+v", a.ID, dl.Channel, dl)
			}
			if dl.Attempts > worst[dl.Channel].Attempts {
				worst[dl.Channel] = dl
			}
		}
	}
	for _, ch := range []string{"hook", "slack", "mail"} {
		if dl := worst[ch]; dl.Attempts < 4 || dl.LastError == "" {
			t.Errorf("%s: most attempts %d, last error %q: failures not recorded", ch, dl.Attempts, dl.LastError)
		}
	}
	logMu.Lock()
	if len(logs) == 0 {
		t.Error("failed attempts were not logged")
	}
	logMu.Unlock()
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"a":1}`)
	sig := Sign([]byte("k"), 1700000000, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 {
		t.Fatalf("signature %q", sig)
	}
	if !Verify([]byte("k"), "1700000000", sig, body) {
		t.Fatal("own signature rejected")
	}
	for _, tc := range []struct{ key, ts, body string }{{"x", "1700000000", `{"a":1}`}, {"k", "1700000001", `{"a":1}`}, {"k", "1700000000", `{"a":2}`}} {
		if Verify([]byte(tc.key), tc.ts, sig, []byte(tc.body)) {
			t.Errorf("signature accepted for %+v", tc)
		}
	}
}

func TestDefaultBackoffGrowsAndCaps(t *testing.T) {
	if d := DefaultBackoff(1); d < 4*time.Second || d > 6*time.Second {
		t.Errorf("first backoff %s", d)
	}
	if d := DefaultBackoff(3); d < 16*time.Second || d > 24*time.Second {
		t.Errorf("third backoff %s", d)
	}
	if d := DefaultBackoff(40); d > 72*time.Minute {
		t.Errorf("backoff not capped: %s", d)
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
