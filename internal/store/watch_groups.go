package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// WatchGroup is a target group of `leakwatch watch` with its schedule and
// last run, kept in the store so a restarted watcher knows what is due.
type WatchGroup struct {
	Name       string          `json:"name"`
	Config     json.RawMessage `json:"config"`
	Every      time.Duration   `json:"every"`
	LastRun    *time.Time      `json:"last_run,omitempty"`
	LastScanID string          `json:"last_scan_id,omitempty"`
	LastStatus string          `json:"last_status,omitempty"`
	LastError  string          `json:"last_error,omitempty"`
}

// NextRun is when the group is due: at once if it never ran.
func (g WatchGroup) NextRun() time.Time {
	if g.LastRun == nil {
		return time.Time{}
	}
	return g.LastRun.Add(g.Every)
}

// SaveWatchGroup creates or updates a group's configuration and schedule,
// keeping its last run.
func (s *Store) SaveWatchGroup(ctx context.Context, name string, config json.RawMessage, every time.Duration) error {
	if every <= 0 {
		return errors.New("store: a watch group needs a positive interval")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO watch_groups(name, config, every_ms, updated) VALUES (?, ?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET config = excluded.config, every_ms = excluded.every_ms, updated = excluded.updated`,
			name, string(config), every.Milliseconds(), fmtTime(time.Now()))
		return err
	})
}

// WatchGroupRan records the start of a group's scan (status "running") or
// its end. A run that failed before its scan was recorded (scanID "")
// keeps the previous scan's ID.
func (s *Store) WatchGroupRan(ctx context.Context, name string, started time.Time, scanID, status, errText string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE watch_groups SET last_run = ?,
			last_scan_id = CASE WHEN ? = '' THEN last_scan_id ELSE ? END, last_status = ?, last_error = ?,
			updated = ? WHERE name = ?`, fmtTime(started), scanID, scanID, status, errText, fmtTime(time.Now()), name)
		return err
	})
}

// WatchGroups returns every stored group, by name.
func (s *Store) WatchGroups(ctx context.Context) ([]WatchGroup, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, config, every_ms, last_run, last_scan_id, last_status, last_error
		FROM watch_groups ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []WatchGroup
	for rows.Next() {
		g, err := scanWatchGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// GetWatchGroup returns one group, or ErrNotFound.
func (s *Store) GetWatchGroup(ctx context.Context, name string) (*WatchGroup, error) {
	g, err := scanWatchGroup(s.r.QueryRowContext(ctx, `SELECT name, config, every_ms, last_run, last_scan_id, last_status,
		last_error FROM watch_groups WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: watch group %s: %w", name, ErrNotFound)
	}
	return g, err
}

func scanWatchGroup(row interface{ Scan(...any) error }) (*WatchGroup, error) {
	var g WatchGroup
	var cfg string
	var every int64
	var last sql.NullString
	if err := row.Scan(&g.Name, &cfg, &every, &last, &g.LastScanID, &g.LastStatus, &g.LastError); err != nil {
		return nil, err
	}
	g.Config, g.Every, g.LastRun = json.RawMessage(cfg), time.Duration(every)*time.Millisecond, parseNullTime(last)
	return &g, nil
}

// WriterDB returns the store's single write connection, for a job queue
// (River) that must share it: SQLite allows one writer, and two pools on one
// file would fight over the lock. On PostgreSQL it is a plain pool on the
// same database (River's own SQL, not rewritten like the store's).
func (s *Store) WriterDB() *sql.DB {
	if s.postgres {
		return s.raw
	}
	return s.w
}
