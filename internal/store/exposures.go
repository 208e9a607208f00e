package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Exposure is one service seen readable without credentials, across scans.
type Exposure struct {
	Fingerprint   string     `json:"fingerprint"`
	IP            string     `json:"ip"`
	Port          int        `json:"port"`
	Service       string     `json:"service"`
	Host          string     `json:"host,omitempty"`
	Product       string     `json:"product,omitempty"`
	Version       string     `json:"version,omitempty"`
	Status        string     `json:"status"` // at the last sighting
	AccessLevel   string     `json:"access_level"`
	Severity      string     `json:"severity,omitempty"`
	Open          bool       `json:"open"`
	FirstSeen     time.Time  `json:"first_seen"`
	LastSeen      time.Time  `json:"last_seen"` // last seen open
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	FirstScanID   string     `json:"first_scan_id"`
	LastScanID    string     `json:"last_scan_id"`
	LastServiceID int64      `json:"last_service_id"`
}

// ExposureFilter selects exposures; zero values select everything.
type ExposureFilter struct {
	OpenOnly    bool
	ClosedOnly  bool
	Service     string         // probe name
	IP          string         // exact address
	MinSeverity event.Severity // "" = any, including unassessed
	Since       time.Time      // last seen at or after
}

// Page selects a window of results: Limit <= 0 means 100.
type Page struct {
	Limit  int
	Offset int
}

var severityRank = map[event.Severity]int{
	event.SeverityInfo: 1, event.SeverityLow: 2, event.SeverityMedium: 3, event.SeverityHigh: 4, event.SeverityCritical: 5,
}

// severityOrder is an SQL expression ranking the severity column.
const severityOrder = `CASE severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END`

const exposureCols = `fingerprint, ip, port, service, host, product, version, status, access_level, severity, open,
	first_seen, last_seen, closed_at, first_scan_id, last_scan_id, last_service_id`

func scanExposure(row interface{ Scan(...any) error }) (*Exposure, error) {
	var e Exposure
	var first, last string
	var closed sql.NullString
	if err := row.Scan(&e.Fingerprint, &e.IP, &e.Port, &e.Service, &e.Host, &e.Product, &e.Version, &e.Status,
		&e.AccessLevel, &e.Severity, &e.Open, &first, &last, &closed, &e.FirstScanID, &e.LastScanID,
		&e.LastServiceID); err != nil {
		return nil, err
	}
	e.FirstSeen, e.LastSeen, e.ClosedAt = parseTime(first), parseTime(last), parseNullTime(closed)
	return &e, nil
}

// Exposures returns the exposures matching f, most severe and most recent
// first, and how many match in total.
func (s *Store) Exposures(ctx context.Context, f ExposureFilter, p Page) ([]Exposure, int, error) {
	var where []string
	var args []any
	switch {
	case f.OpenOnly:
		where = append(where, "open = 1")
	case f.ClosedOnly:
		where = append(where, "open = 0")
	}
	if f.Service != "" {
		where, args = append(where, "service = ?"), append(args, f.Service)
	}
	if f.IP != "" {
		where, args = append(where, "ip = ?"), append(args, f.IP)
	}
	if f.MinSeverity != "" {
		rank, ok := severityRank[f.MinSeverity]
		if !ok {
			return nil, 0, fmt.Errorf("store: unknown severity %q", f.MinSeverity)
		}
		where, args = append(where, severityOrder+" >= ?"), append(args, rank)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "last_seen >= ?"), append(args, fmtTime(f.Since))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM exposures`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	if p.Limit <= 0 {
		p.Limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+exposureCols+` FROM exposures`+cond+
		` ORDER BY open DESC, `+severityOrder+` DESC, last_seen DESC, fingerprint LIMIT ? OFFSET ?`,
		append(args, p.Limit, max(p.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Exposure
	for rows.Next() {
		e, err := scanExposure(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: %w", err)
		}
		out = append(out, *e)
	}
	return out, total, rows.Err()
}

// GetExposure returns one exposure, or ErrNotFound.
func (s *Store) GetExposure(ctx context.Context, fingerprint string) (*Exposure, error) {
	e, err := scanExposure(s.r.QueryRowContext(ctx, `SELECT `+exposureCols+` FROM exposures WHERE fingerprint = ?`, fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: exposure %s: %w", fingerprint, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return e, nil
}

// Sighting is one scan's view of an address that carried an exposure.
type Sighting struct {
	ScanID      string    `json:"scan_id"`
	ServiceID   int64     `json:"service_id"`
	Time        time.Time `json:"time"`
	Service     string    `json:"service,omitempty"`
	Product     string    `json:"product,omitempty"`
	Version     string    `json:"version,omitempty"`
	Status      string    `json:"status"`
	AccessLevel string    `json:"access_level"`
	Severity    string    `json:"severity,omitempty"`
	Containers  int       `json:"containers"`
	Documents   int64     `json:"documents"`
	Bytes       int64     `json:"bytes"`
}

// ExposureHistory returns, oldest first, every recorded sighting of the
// exposure's address (ip:port) from its first sighting on: the service
// itself, and what answered there after it closed (auth-required, another
// service). Scans that found the port closed have no row; the exposure's
// closed_at records them.
func (s *Store) ExposureHistory(ctx context.Context, fingerprint string) ([]Sighting, error) {
	e, err := s.GetExposure(ctx, fingerprint)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT scan_id, id, time, service, product, version, status, access_level,
		severity, containers, documents, bytes FROM services WHERE ip = ? AND port = ? AND time >= ?
		ORDER BY time, id`, e.IP, e.Port, fmtTime(e.FirstSeen))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Sighting
	for rows.Next() {
		var h Sighting
		var t string
		if err := rows.Scan(&h.ScanID, &h.ServiceID, &t, &h.Service, &h.Product, &h.Version, &h.Status,
			&h.AccessLevel, &h.Severity, &h.Containers, &h.Documents, &h.Bytes); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		h.Time = parseTime(t)
		out = append(out, h)
	}
	return out, rows.Err()
}
