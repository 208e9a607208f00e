package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Alert is one thing worth telling someone about an exposure (internal/alert
// decides which; this file keeps them).
type Alert struct {
	ID           int64     `json:"id"`
	DedupeKey    string    `json:"dedupe_key"`
	ScanID       string    `json:"scan_id"`
	PrevScanID   string    `json:"prev_scan_id,omitempty"`
	Fingerprint  string    `json:"fingerprint"`
	IP           string    `json:"ip"`
	Port         int       `json:"port"`
	Host         string    `json:"host,omitempty"`
	Service      string    `json:"service,omitempty"`
	Container    string    `json:"container,omitempty"`
	Kind         string    `json:"kind"`
	Severity     string    `json:"severity,omitempty"`
	Title        string    `json:"title"`
	Detail       string    `json:"detail,omitempty"`
	Created      time.Time `json:"created"`
	SuppressedBy int64     `json:"suppressed_by,omitempty"`
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
)

// Delivery is one alert's way to one channel (a row of the outbox).
type Delivery struct {
	AlertID     int64      `json:"alert_id"`
	Channel     string     `json:"channel"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastError   string     `json:"last_error,omitempty"`
	NextAttempt time.Time  `json:"next_attempt"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// AlertBatch is what one finished scan produced: its observations and the
// alerts computed from them.
type AlertBatch struct {
	ScanID       string
	Observations []Observation
	Alerts       []Alert
	// Channels names the channels an alert goes to (already filtered by
	// each channel's minimum severity). Suppressed alerts go nowhere.
	Channels func(Alert) []string
}

// RecordAlerts stores a scan's observations, its alerts and their outbox
// rows in one transaction, once per scan: a second call for the same scan
// (a watcher restarted half-way) changes nothing and returns done=true.
// An alert whose dedupe key exists already is not stored again, so it is
// never sent twice. It returns the alerts it stored, with IDs and
// SuppressedBy filled in.
func (s *Store) RecordAlerts(ctx context.Context, b AlertBatch) (stored []Alert, done bool, err error) {
	now := time.Now().UTC()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerted_scans WHERE scan_id = ?`, b.ScanID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			done = true
			return nil
		}
		for _, o := range b.Observations {
			var svID any
			if o.ServiceID != 0 {
				svID = o.ServiceID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO exposure_observations(scan_id, fingerprint, time, open, service_id,
				severity, containers, documents, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(fingerprint, scan_id) DO NOTHING`,
				b.ScanID, o.Fingerprint, fmtTime(o.Time), o.Open, svID, o.Severity, o.Containers, o.Documents, o.Bytes); err != nil {
				return fmt.Errorf("store: observation: %w", err)
			}
		}
		for _, a := range b.Alerts {
			a.Created = now
			sup, err := suppressionFor(ctx, tx, a, now)
			if err != nil {
				return err
			}
			a.SuppressedBy = sup
			var supArg any
			if sup != 0 {
				supArg = sup
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO alerts(dedupe_key, scan_id, prev_scan_id, fingerprint, ip, port, host,
				service, container, kind, severity, title, detail, created, suppressed_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING RETURNING id`,
				a.DedupeKey, a.ScanID, a.PrevScanID, a.Fingerprint, a.IP, a.Port, a.Host, a.Service, a.Container,
				a.Kind, a.Severity, a.Title, a.Detail, fmtTime(now), supArg).Scan(&a.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // sent before: never twice
			}
			if err != nil {
				return fmt.Errorf("store: alert: %w", err)
			}
			stored = append(stored, a)
			if sup != 0 || b.Channels == nil {
				continue
			}
			for _, ch := range b.Channels(a) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries(alert_id, channel, status, next_attempt)
					VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.ID, ch, DeliveryPending, fmtTime(now)); err != nil {
					return fmt.Errorf("store: delivery: %w", err)
				}
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO alerted_scans(scan_id, computed, alerts) VALUES (?, ?, ?)`,
			b.ScanID, fmtTime(now), len(stored))
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return stored, done, nil
}

// AlertsComputed reports whether RecordAlerts ran for the scan.
func (s *Store) AlertsComputed(ctx context.Context, scanID string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM alerted_scans WHERE scan_id = ?`, scanID).Scan(&n)
	return n > 0, err
}

const alertCols = `a.id, a.dedupe_key, a.scan_id, a.prev_scan_id, a.fingerprint, a.ip, a.port, a.host, a.service,
	a.container, a.kind, a.severity, a.title, a.detail, a.created, a.suppressed_by`

func scanAlert(row interface{ Scan(...any) error }, extra ...any) (*Alert, error) {
	var a Alert
	var created string
	var sup sql.NullInt64
	dest := append([]any{&a.ID, &a.DedupeKey, &a.ScanID, &a.PrevScanID, &a.Fingerprint, &a.IP, &a.Port, &a.Host,
		&a.Service, &a.Container, &a.Kind, &a.Severity, &a.Title, &a.Detail, &created, &sup}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.Created, a.SuppressedBy = parseTime(created), sup.Int64
	return &a, nil
}

// AlertFilter selects alerts; zero values select all.
type AlertFilter struct {
	ScanID string
	Kind   string
	Since  time.Time
	Limit  int // <= 0: 100
}

// AlertWithDeliveries is an alert and the state of each of its deliveries.
type AlertWithDeliveries struct {
	Alert
	Deliveries []Delivery `json:"deliveries"`
}

// ListAlerts returns alerts, newest first, with their deliveries.
func (s *Store) ListAlerts(ctx context.Context, f AlertFilter) ([]AlertWithDeliveries, error) {
	var where []string
	var args []any
	if f.ScanID != "" {
		where, args = append(where, "a.scan_id = ?"), append(args, f.ScanID)
	}
	if f.Kind != "" {
		where, args = append(where, "a.kind = ?"), append(args, f.Kind)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "a.created >= ?"), append(args, fmtTime(f.Since))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+alertCols+` FROM alerts a`+cond+` ORDER BY a.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var out []AlertWithDeliveries
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, AlertWithDeliveries{Alert: *a})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	for i := range out {
		if out[i].Deliveries, err = s.deliveriesOf(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) deliveriesOf(ctx context.Context, alertID int64) ([]Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT alert_id, channel, status, attempts, last_error, next_attempt, delivered_at
		FROM alert_deliveries WHERE alert_id = ? ORDER BY channel`, alertID)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var next string
		var at sql.NullString
		if err := rows.Scan(&d.AlertID, &d.Channel, &d.Status, &d.Attempts, &d.LastError, &next, &at); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.NextAttempt, d.DeliveredAt = parseTime(next), parseNullTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueDelivery is an outbox row ready to be attempted, with its alert.
type DueDelivery struct {
	Delivery
	Alert Alert
}

// DueDeliveries returns up to limit pending deliveries whose next attempt
// is due at now, oldest alert first. channels, when not empty, restricts
// them to the channels this process knows.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, channels []string, limit int) ([]DueDelivery, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + alertCols + `, d.channel, d.status, d.attempts, d.last_error, d.next_attempt
		FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
		WHERE d.status = ? AND d.next_attempt <= ?`
	args := []any{DeliveryPending, fmtTime(now)}
	if len(channels) > 0 {
		q += ` AND d.channel IN (?` + strings.Repeat(`, ?`, len(channels)-1) + `)`
		for _, c := range channels {
			args = append(args, c)
		}
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY a.id, d.channel LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []DueDelivery
	for rows.Next() {
		var d DueDelivery
		var next string
		a, err := scanAlert(rows, &d.Channel, &d.Status, &d.Attempts, &d.LastError, &next)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.Alert, d.AlertID, d.NextAttempt = *a, a.ID, parseTime(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeliveryDone records a successful delivery. The last error stays, as the
// record of why earlier attempts failed.
func (s *Store) DeliveryDone(ctx context.Context, alertID int64, channel string) error {
	now := fmtTime(time.Now())
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, delivered_at = ?
			WHERE alert_id = ? AND channel = ?`, DeliveryDelivered, now, alertID, channel)
		return err
	})
}

// DeliveryFailed records a failed attempt and when to try again.
func (s *Store) DeliveryFailed(ctx context.Context, alertID int64, channel, errText string, next time.Time) error {
	if len(errText) > 1000 {
		errText = errText[:1000]
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ?
			WHERE alert_id = ? AND channel = ? AND status = ?`, errText, fmtTime(next), alertID, channel, DeliveryPending)
		return err
	})
}

// NextDeliveryDue returns when the earliest pending delivery is due (nil: none).
func (s *Store) NextDeliveryDue(ctx context.Context) (*time.Time, error) {
	var t sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT min(next_attempt) FROM alert_deliveries WHERE status = ?`, DeliveryPending).Scan(&t)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return parseNullTime(t), nil
}
