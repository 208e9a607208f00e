package store

import (
	"context"
	"fmt"
	"time"
)

// SeverityCount is how many open exposures have one grade ("" = not assessed).
type SeverityCount struct {
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// Overview sums up the open exposures for the dashboard's first page.
type Overview struct {
	Open       int             `json:"open"`
	New        int             `json:"new"` // open, seen by one scan only so far
	Closed     int             `json:"closed"`
	BySeverity []SeverityCount `json:"by_severity"` // worst first, every grade listed
	Scans      int             `json:"scans"`
}

// WebOverview counts exposures by state and the open ones by severity.
func (s *Store) WebOverview(ctx context.Context) (*Overview, error) {
	o := &Overview{}
	if err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM exposures WHERE open = 1),
		(SELECT count(*) FROM exposures WHERE open = 1 AND first_scan_id = last_scan_id),
		(SELECT count(*) FROM exposures WHERE open = 0),
		(SELECT count(*) FROM scans)`).Scan(&o.Open, &o.New, &o.Closed, &o.Scans); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	counts := map[string]int{}
	rows, err := s.r.QueryContext(ctx, `SELECT severity, count(*) FROM exposures WHERE open = 1 GROUP BY severity`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		counts[sev] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	for _, sev := range []string{"critical", "high", "medium", "low", "info", ""} {
		o.BySeverity = append(o.BySeverity, SeverityCount{Severity: sev, Count: counts[sev]})
	}
	return o, nil
}

// ScanPoint is what one scan saw open: one point of the overview chart.
type ScanPoint struct {
	ScanID    string    `json:"scan_id"`
	Started   time.Time `json:"started"`
	Open      int       `json:"open"`      // services readable without credentials
	Documents int64     `json:"documents"` // documents/rows/keys readable in them
}

// ExposureSeries returns, oldest first, what the newest limit scans saw
// open (limit <= 0 means 100). Scans of different scopes are points of
// one series: the chart shows what each scan found, not a reconciled total.
func (s *Store) ExposureSeries(ctx context.Context, limit int) ([]ScanPoint, error) {
	if limit <= 0 {
		limit = 100
	}
	// services_web_scan_status covers the inner query: no table reads.
	rows, err := s.r.QueryContext(ctx, `SELECT sc.id, sc.started,
		(SELECT count(*) FROM services v WHERE v.scan_id = sc.id AND v.status = 'open'),
		(SELECT coalesce(sum(v.documents), 0) FROM services v WHERE v.scan_id = sc.id AND v.status = 'open')
		FROM (SELECT id, started FROM scans ORDER BY started DESC, id DESC LIMIT ?) sc
		ORDER BY sc.started, sc.id`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := []ScanPoint{}
	for rows.Next() {
		var p ScanPoint
		var started string
		if err := rows.Scan(&p.ScanID, &started, &p.Open, &p.Documents); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		p.Started = parseTime(started)
		out = append(out, p)
	}
	return out, rows.Err()
}

// DataTypes lists the finding types ever recorded (for the data-type
// filter), most common first, at most 100.
func (s *Store) DataTypes(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT type FROM findings GROUP BY type ORDER BY count(*) DESC, type LIMIT 100`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ServiceNames lists the probe names of recorded exposures (for the
// service filter).
func (s *Store) ServiceNames(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT service FROM exposures ORDER BY service LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
