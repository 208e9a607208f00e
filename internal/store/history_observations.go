package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Observation is what one finished scan concluded about one exposure: open
// (with the services row that proves it) or closed. Alerts compare a scan's
// observations with each exposure's previous one.
type Observation struct {
	ScanID      string    `json:"scan_id"`
	Fingerprint string    `json:"fingerprint"`
	Time        time.Time `json:"time"`
	Open        bool      `json:"open"`
	ServiceID   int64     `json:"service_id,omitempty"` // 0: the scan saw nothing answer there
	Severity    string    `json:"severity,omitempty"`
	Containers  int       `json:"containers"`
	Documents   int64     `json:"documents"`
	Bytes       int64     `json:"bytes"`
}

// ScanObservations derives, from the exposures table, what a just-finished
// scan concluded about the exposures it touched: those it saw open, and
// those it closed (by a conclusive answer or by absence). Exposures whose
// port only gave an inconclusive answer (timeout, error) are left out, so
// the next conclusive scan is compared with the last conclusive one.
// Call it right after FinishScan: a later scan moves last_scan_id on.
func (s *Store) ScanObservations(ctx context.Context, scanID string) ([]Observation, error) {
	sc, err := s.GetScan(ctx, scanID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT e.fingerprint, e.open, e.closed_at, sv.id, sv.time, sv.status, sv.severity,
		sv.containers, sv.documents, sv.bytes
		FROM exposures e LEFT JOIN services sv ON sv.scan_id = e.last_scan_id AND sv.ip = e.ip AND sv.port = e.port
		WHERE e.last_scan_id = ? ORDER BY e.fingerprint`, scanID)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var o Observation
		var closed, svTime, svStatus, svSeverity sql.NullString
		var svID, svContainers, svDocs, svBytes sql.NullInt64
		if err := rows.Scan(&o.Fingerprint, &o.Open, &closed, &svID, &svTime, &svStatus, &svSeverity,
			&svContainers, &svDocs, &svBytes); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		o.ScanID = scanID
		o.Time = sc.Started
		if svTime.Valid {
			o.Time = parseTime(svTime.String)
		} else if t := parseNullTime(closed); t != nil {
			o.Time = *t
		}
		if o.Open && svStatus.String != string(event.StatusOpen) {
			continue // inconclusive this time: no observation
		}
		if svID.Valid {
			o.ServiceID = svID.Int64
		}
		if o.Open {
			o.Severity = svSeverity.String
			o.Containers, o.Documents, o.Bytes = int(svContainers.Int64), svDocs.Int64, svBytes.Int64
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// PreviousObservation returns the exposure's observation by the newest scan
// started before scanID, or nil. Exposures recorded before observations
// existed (plain `leakwatch scan` runs) fall back to their newest services
// row in an earlier scan.
func (s *Store) PreviousObservation(ctx context.Context, fingerprint, scanID string) (*Observation, error) {
	var o Observation
	var t string
	var svID sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT o.scan_id, o.time, o.open, o.service_id, o.severity, o.containers, o.documents, o.bytes
		FROM exposure_observations o JOIN scans sc ON sc.id = o.scan_id
		WHERE o.fingerprint = ? AND o.scan_id <> ? AND sc.started < (SELECT started FROM scans WHERE id = ?)
		ORDER BY sc.started DESC LIMIT 1`, fingerprint, scanID, scanID).
		Scan(&o.ScanID, &t, &o.Open, &svID, &o.Severity, &o.Containers, &o.Documents, &o.Bytes)
	if err == nil {
		o.Fingerprint, o.Time, o.ServiceID = fingerprint, parseTime(t), svID.Int64
		return &o, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: %w", err)
	}
	var status string
	err = s.r.QueryRowContext(ctx, `SELECT sv.scan_id, sv.time, sv.id, sv.status, sv.severity, sv.containers, sv.documents, sv.bytes
		FROM services sv JOIN scans sc ON sc.id = sv.scan_id
		WHERE sv.fingerprint = ? AND sv.scan_id <> ? AND sc.started < (SELECT started FROM scans WHERE id = ?)
		ORDER BY sc.started DESC, sv.id DESC LIMIT 1`, fingerprint, scanID, scanID).
		Scan(&o.ScanID, &t, &o.ServiceID, &status, &o.Severity, &o.Containers, &o.Documents, &o.Bytes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	o.Fingerprint, o.Time, o.Open = fingerprint, parseTime(t), status == string(event.StatusOpen)
	return &o, nil
}

// ServiceEvent returns the event stored in a services row.
func (s *Store) ServiceEvent(ctx context.Context, serviceID int64) (*event.Event, error) {
	var body string
	err := s.r.QueryRowContext(ctx, `SELECT event FROM services WHERE id = ?`, serviceID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: service %d: %w", serviceID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	ev := new(event.Event)
	if err := json.Unmarshal([]byte(body), ev); err != nil {
		return nil, fmt.Errorf("store: service %d: %w", serviceID, err)
	}
	return ev, nil
}

// ObservationsOf returns an exposure's observations, oldest first.
func (s *Store) ObservationsOf(ctx context.Context, fingerprint string) ([]Observation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT o.scan_id, o.time, o.open, o.service_id, o.severity, o.containers, o.documents, o.bytes
		FROM exposure_observations o JOIN scans sc ON sc.id = o.scan_id WHERE o.fingerprint = ? ORDER BY sc.started`, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var o Observation
		var t string
		var svID sql.NullInt64
		if err := rows.Scan(&o.ScanID, &t, &o.Open, &svID, &o.Severity, &o.Containers, &o.Documents, &o.Bytes); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		o.Fingerprint, o.Time, o.ServiceID = fingerprint, parseTime(t), svID.Int64
		out = append(out, o)
	}
	return out, rows.Err()
}

// ContainerPoint is one container's counts in one scan.
type ContainerPoint struct {
	ScanID    string    `json:"scan_id"`
	Time      time.Time `json:"time"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"` // "parent.name" when it has a parent
	Documents *int64    `json:"documents,omitempty"`
	Bytes     *int64    `json:"bytes,omitempty"`
}

// ContainerHistory returns the per-container counts of an exposure over
// time, oldest scan first.
func (s *Store) ContainerHistory(ctx context.Context, fingerprint string) ([]ContainerPoint, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT sv.scan_id, sv.time, c.kind, c.parent, c.name, c.documents, c.bytes
		FROM services sv JOIN containers c ON c.service_id = sv.id
		WHERE sv.fingerprint = ? ORDER BY sv.time, sv.id, c.parent, c.name`, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []ContainerPoint
	for rows.Next() {
		var p ContainerPoint
		var t, parent string
		var docs, bytes sql.NullInt64
		if err := rows.Scan(&p.ScanID, &t, &p.Kind, &parent, &p.Name, &docs, &bytes); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		p.Time = parseTime(t)
		if parent != "" {
			p.Name = parent + "." + p.Name
		}
		if docs.Valid {
			p.Documents = &docs.Int64
		}
		if bytes.Valid {
			p.Bytes = &bytes.Int64
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FinishedScans returns the IDs of finished (done) scans, newest first.
func (s *Store) FinishedScans(ctx context.Context, limit int) ([]string, error) {
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM scans WHERE status = ? ORDER BY started DESC, id DESC LIMIT ?`, ScanDone, limit)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
