package alert

import (
	"context"

	"github.com/leakwatch/leakwatch/internal/store"
)

// RecordScan computes a finished scan's alerts and records them with the
// scan's observations and their outbox rows, in one transaction, once per
// scan (a second call returns nil). channels names the channels an alert
// goes to; nil records the alerts without sending them (a scan run outside
// the watcher still keeps the history continuous). It returns the alerts
// stored.
func RecordScan(ctx context.Context, st *store.Store, scanID string, opts Options, channels func(store.Alert) []string) ([]store.Alert, error) {
	if ok, err := st.AlertsComputed(ctx, scanID); err != nil || ok {
		return nil, err
	}
	obs, alerts, err := Compute(ctx, st, scanID, opts)
	if err != nil {
		return nil, err
	}
	stored, _, err := st.RecordAlerts(ctx, store.AlertBatch{ScanID: scanID, Observations: obs, Alerts: alerts, Channels: channels})
	return stored, err
}
