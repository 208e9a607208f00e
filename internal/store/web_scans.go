package store

import (
	"context"
	"fmt"
	"time"
)

// ServiceSummary is one recorded service without its event body: a row of
// the dashboard's scan page.
type ServiceSummary struct {
	ID          int64     `json:"id"`
	Time        time.Time `json:"time"`
	IP          string    `json:"ip"`
	Port        int       `json:"port"`
	Host        string    `json:"host,omitempty"`
	Service     string    `json:"service,omitempty"`
	Product     string    `json:"product,omitempty"`
	Version     string    `json:"version,omitempty"`
	Status      string    `json:"status"`
	AccessLevel string    `json:"access_level"`
	Severity    string    `json:"severity,omitempty"`
	Containers  int       `json:"containers"`
	Documents   int64     `json:"documents"`
	Bytes       int64     `json:"bytes"`
	Fingerprint string    `json:"fingerprint,omitempty"`
}

// ScanServices returns one page of a scan's services in the order found,
// and how many it recorded.
func (s *Store) ScanServices(ctx context.Context, scanID string, p Page) ([]ServiceSummary, int, error) {
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM services WHERE scan_id = ?`, scanID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	if p.Limit <= 0 {
		p.Limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, time, ip, port, host, service, product, version, status,
		access_level, severity, containers, documents, bytes, fingerprint FROM services WHERE scan_id = ?
		ORDER BY id LIMIT ? OFFSET ?`, scanID, p.Limit, max(p.Offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := []ServiceSummary{}
	for rows.Next() {
		var v ServiceSummary
		var t string
		if err := rows.Scan(&v.ID, &t, &v.IP, &v.Port, &v.Host, &v.Service, &v.Product, &v.Version, &v.Status,
			&v.AccessLevel, &v.Severity, &v.Containers, &v.Documents, &v.Bytes, &v.Fingerprint); err != nil {
			return nil, 0, fmt.Errorf("store: %w", err)
		}
		v.Time = parseTime(t)
		out = append(out, v)
	}
	return out, total, rows.Err()
}
