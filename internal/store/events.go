package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Fingerprint is the stable key of an exposure: the address and the service
// name ("127.77.1.1:6379/redis"). Banners and versions change with upgrades
// and stay out of it. Events no probe identified have none ("").
func Fingerprint(ev *event.Event) string {
	if ev.Service == nil || ev.Service.Name == "" {
		return ""
	}
	return net.JoinHostPort(ev.IP, strconv.Itoa(ev.Port)) + "/" + ev.Service.Name
}

// conclusive statuses say for sure what answers on the port now, so they can
// close an exposure seen there before; a timeout or an error cannot.
func conclusive(s event.Status) bool {
	return s == event.StatusOpen || s == event.StatusAuthRequired || s == event.StatusRefused
}

// RecordEvent stores one event of scan ev.ScanID with its containers and
// findings, and updates the exposures table, in one transaction. It returns
// false when the scan had already recorded this ip:port (a resumed scan), in
// which case nothing changes. Samples are never stored.
func (s *Store) RecordEvent(ctx context.Context, ev *event.Event) (bool, error) {
	if ev.ScanID == "" {
		return false, fmt.Errorf("store: event for %s:%d has no scan id", ev.IP, ev.Port)
	}
	body, err := json.Marshal(ev) // Container.Samples is json:"-"
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	var svc event.Service
	if ev.Service != nil {
		svc = *ev.Service
	}
	severity := ""
	if ev.Assessment != nil {
		severity = string(ev.Assessment.Severity)
	}
	var totals event.Totals
	if ev.Dataset != nil {
		totals = ev.Dataset.Totals
	}
	fp := Fingerprint(ev)
	inserted := false
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// RETURNING, not LastInsertId: PostgreSQL has no last insert ID.
		// A conflict (the port is recorded already) returns no row.
		var serviceID int64
		err := tx.QueryRowContext(ctx, `INSERT INTO services(scan_id, time, target, host, ip, port, tls, service, product,
			version, status, anonymous, access_level, proof, severity, containers, documents, bytes, fingerprint, event)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(scan_id, ip, port) DO NOTHING RETURNING id`,
			ev.ScanID, fmtTime(ev.Time), ev.Target, ev.Host, ev.IP, ev.Port, ev.TLS, svc.Name, svc.Product,
			svc.Version, string(ev.Status), ev.Access.Anonymous, string(ev.Access.Level), ev.Access.Proof, severity,
			totals.Containers, totals.Documents, totals.Bytes, fp, string(body)).Scan(&serviceID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: record %s:%d: %w", ev.IP, ev.Port, err)
		}
		inserted = true
		if err := insertDetails(ctx, tx, serviceID, ev); err != nil {
			return err
		}
		identified, exposed := 0, 0
		if fp != "" {
			identified = 1
		}
		if ev.Status == event.StatusOpen {
			exposed = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scans SET services = services + 1, identified = identified + ?,
			exposed = exposed + ?, updated = ? WHERE id = ?`, identified, exposed, fmtTime(ev.Time), ev.ScanID); err != nil {
			return err
		}
		return updateExposures(ctx, tx, ev, fp, severity, serviceID)
	})
	return inserted, err
}

func insertDetails(ctx context.Context, tx *sql.Tx, serviceID int64, ev *event.Event) error {
	if ev.Dataset != nil {
		for _, c := range ev.Dataset.Containers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO containers(service_id, kind, name, parent, documents, bytes,
				created, oldest, sampled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				serviceID, c.Kind, c.Name, c.Parent, c.Documents, c.Bytes, nullTime(c.Created), nullTime(c.Oldest),
				c.Sampled); err != nil {
				return fmt.Errorf("store: container: %w", err)
			}
		}
	}
	for _, f := range ev.Findings {
		ex, _ := json.Marshal(f.Examples)
		if f.Examples == nil {
			ex = []byte("[]")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO findings(service_id, container, field, type, rule, confidence,
			count, documents, examples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			serviceID, f.Container, f.Field, f.Type, f.Rule, f.Confidence, f.Count, f.Documents, string(ex)); err != nil {
			return fmt.Errorf("store: finding: %w", err)
		}
	}
	return nil
}

// updateExposures opens or refreshes the exposure of an open service, and
// closes the exposures at the same address that a conclusive answer shows
// are gone (now auth-required, refused, or another service).
func updateExposures(ctx context.Context, tx *sql.Tx, ev *event.Event, fp, severity string, serviceID int64) error {
	now := fmtTime(ev.Time)
	if !conclusive(ev.Status) {
		// Something answered but did not say what (timeout, error): the
		// exposures there stay open, and this scan counts as having seen
		// them, so finishing it does not close them for being absent.
		_, err := tx.ExecContext(ctx, `UPDATE exposures SET last_scan_id = ? WHERE ip = ? AND port = ? AND open = 1`,
			ev.ScanID, ev.IP, ev.Port)
		return err
	}
	keep := ""
	if ev.Status == event.StatusOpen {
		keep = fp
	}
	if _, err := tx.ExecContext(ctx, `UPDATE exposures SET open = 0, closed_at = ?, status = ?, last_scan_id = ?
		WHERE ip = ? AND port = ? AND open = 1 AND fingerprint <> ?`,
		now, string(ev.Status), ev.ScanID, ev.IP, ev.Port, keep); err != nil {
		return fmt.Errorf("store: close exposures: %w", err)
	}
	if ev.Status != event.StatusOpen || fp == "" {
		return nil
	}
	svc := ev.Service
	_, err := tx.ExecContext(ctx, `INSERT INTO exposures(fingerprint, ip, port, service, host, product, version, status,
		access_level, severity, open, first_seen, last_seen, first_scan_id, last_scan_id, last_service_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
		ON CONFLICT(fingerprint) DO UPDATE SET host = excluded.host, product = excluded.product,
			version = excluded.version, status = excluded.status, access_level = excluded.access_level,
			severity = excluded.severity, open = 1, closed_at = NULL,
			last_seen = CASE WHEN excluded.last_seen > exposures.last_seen THEN excluded.last_seen ELSE exposures.last_seen END, last_scan_id = excluded.last_scan_id,
			last_service_id = excluded.last_service_id`,
		fp, ev.IP, ev.Port, svc.Name, ev.Host, svc.Product, svc.Version, string(ev.Status), string(ev.Access.Level),
		severity, now, now, ev.ScanID, ev.ScanID, serviceID)
	if err != nil {
		return fmt.Errorf("store: exposure: %w", err)
	}
	return nil
}

// ServiceRow is one recorded service with its event.
type ServiceRow struct {
	ID          int64        `json:"id"`
	ScanID      string       `json:"scan_id"`
	Fingerprint string       `json:"fingerprint,omitempty"`
	Event       *event.Event `json:"event"`
}

// ServicesOfScan returns the services a scan recorded, in the order found.
func (s *Store) ServicesOfScan(ctx context.Context, scanID string) ([]ServiceRow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, scan_id, fingerprint, event FROM services WHERE scan_id = ? ORDER BY id`, scanID)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []ServiceRow
	for rows.Next() {
		var r ServiceRow
		var body string
		if err := rows.Scan(&r.ID, &r.ScanID, &r.Fingerprint, &body); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		r.Event = new(event.Event)
		if err := json.Unmarshal([]byte(body), r.Event); err != nil {
			return nil, fmt.Errorf("store: service %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Service returns one recorded service (e.g. an exposure's last_service_id),
// or ErrNotFound.
func (s *Store) Service(ctx context.Context, id int64) (*ServiceRow, error) {
	r := ServiceRow{ID: id}
	var body string
	err := s.r.QueryRowContext(ctx, `SELECT scan_id, fingerprint, event FROM services WHERE id = ?`, id).
		Scan(&r.ScanID, &r.Fingerprint, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: service %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	r.Event = new(event.Event)
	if err := json.Unmarshal([]byte(body), r.Event); err != nil {
		return nil, fmt.Errorf("store: service %d: %w", id, err)
	}
	return &r, nil
}
