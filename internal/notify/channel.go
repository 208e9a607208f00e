// Package notify delivers alerts: a generic JSON webhook signed with
// HMAC-SHA256, a Slack-compatible incoming webhook and e-mail over SMTP.
// Deliveries come from the store's outbox (alert_deliveries), written in the
// same transaction as the alerts; the Dispatcher retries failures with
// exponential backoff and records every attempt, so an alert is never lost
// because a channel was down, and is marked delivered only after the
// receiver accepted it.
package notify

import (
	"context"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

// Channel sends one alert somewhere. Send must return when ctx ends; an
// error means "try again later".
type Channel interface {
	Name() string
	// MinSeverity is the mildest severity the channel wants ("" = all).
	MinSeverity() string
	Send(ctx context.Context, a store.Alert) error
}

// SchemaVersion is written in every alert payload.
const SchemaVersion = "leakwatch.alert/1"

// Payload is the JSON document a webhook receives (docs/watch.md).
type Payload struct {
	Schema      string    `json:"schema"`
	ID          int64     `json:"id"`
	DedupeKey   string    `json:"dedupe_key"`
	Kind        string    `json:"kind"`
	Severity    string    `json:"severity,omitempty"`
	Title       string    `json:"title"`
	Detail      string    `json:"detail,omitempty"`
	Fingerprint string    `json:"fingerprint"`
	IP          string    `json:"ip"`
	Port        int       `json:"port"`
	Host        string    `json:"host,omitempty"`
	Service     string    `json:"service,omitempty"`
	Container   string    `json:"container,omitempty"`
	ScanID      string    `json:"scan_id"`
	PrevScanID  string    `json:"prev_scan_id,omitempty"`
	Created     time.Time `json:"created"`
}

// PayloadOf converts an alert.
func PayloadOf(a store.Alert) Payload {
	return Payload{Schema: SchemaVersion, ID: a.ID, DedupeKey: a.DedupeKey, Kind: a.Kind, Severity: a.Severity,
		Title: a.Title, Detail: a.Detail, Fingerprint: a.Fingerprint, IP: a.IP, Port: a.Port, Host: a.Host,
		Service: a.Service, Container: a.Container, ScanID: a.ScanID, PrevScanID: a.PrevScanID, Created: a.Created}
}
