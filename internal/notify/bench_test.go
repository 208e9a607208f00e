package notify

import (
	"context"
	"fmt"
	"testing"

	"github.com/leakwatch/leakwatch/internal/store"
)

// BenchmarkDeliverWebhook measures the outbox round trip per alert: read
// due deliveries, POST one signed webhook to a loopback receiver, mark it
// delivered (one write transaction each).
func BenchmarkDeliverWebhook(b *testing.B) {
	st, err := store.Open(context.Background(), b.TempDir()+"/lw.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	recv, base := startHookReceiverB(b, []byte("k"))
	ch := &Webhook{ChannelName: "hook", URL: base + "/hook", Secret: []byte("k")}
	ctx := context.Background()
	sc, err := st.OpenScan(ctx, store.NewScan{})
	if err != nil {
		b.Fatal(err)
	}
	var as []store.Alert
	for i := range b.N {
		as = append(as, store.Alert{DedupeKey: fmt.Sprintf("opened|127.77.46.9:%d/redis||%s", i, sc.ID), ScanID: sc.ID,
			Fingerprint: "127.77.46.9:6379/redis", IP: "127.77.46.9", Port: 6379, Kind: "opened", Title: "t"})
	}
	if _, _, err := st.RecordAlerts(ctx, store.AlertBatch{ScanID: sc.ID, Alerts: as,
		Channels: func(store.Alert) []string { return []string{"hook"} }}); err != nil {
		b.Fatal(err)
	}
	d := &Dispatcher{Store: st, Channels: []Channel{ch}}
	b.ResetTimer()
	sent := 0
	for sent < b.N {
		n, failed, err := d.Once(ctx)
		if err != nil || failed > 0 {
			b.Fatalf("sent %d, failed %d, %v", n, failed, err)
		}
		sent += n
	}
	b.StopTimer()
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.hooks) != b.N {
		b.Fatalf("receiver got %d, want %d", len(recv.hooks), b.N)
	}
}
