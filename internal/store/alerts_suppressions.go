package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Suppression silences the alerts of one address (and optionally one of its
// containers) until a date, with the reason someone gave.
type Suppression struct {
	ID        int64     `json:"id"`
	Host      string    `json:"host"` // IP or hostname
	Port      int       `json:"port"`
	Container string    `json:"container,omitempty"`
	Until     time.Time `json:"until"`
	Reason    string    `json:"reason"`
	Created   time.Time `json:"created"`
}

// AddSuppression stores a suppression and returns its ID.
func (s *Store) AddSuppression(ctx context.Context, sup Suppression) (int64, error) {
	if sup.Host == "" || sup.Port <= 0 || sup.Reason == "" || sup.Until.IsZero() {
		return 0, errors.New("store: a suppression needs a host, a port, an end date and a reason")
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO suppressions(host, port, container, until, reason, created)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, sup.Host, sup.Port, sup.Container, fmtTime(sup.Until), sup.Reason,
			fmtTime(time.Now())).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: suppression: %w", err)
	}
	return id, nil
}

// RemoveSuppression deletes a suppression, or returns ErrNotFound.
func (s *Store) RemoveSuppression(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM suppressions WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: suppression %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// Suppressions lists suppressions, expired ones included when all is set.
func (s *Store) Suppressions(ctx context.Context, all bool) ([]Suppression, error) {
	q := `SELECT id, host, port, container, until, reason, created FROM suppressions`
	var args []any
	if !all {
		q, args = q+` WHERE until > ?`, append(args, fmtTime(time.Now()))
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Suppression
	for rows.Next() {
		var sup Suppression
		var until, created string
		if err := rows.Scan(&sup.ID, &sup.Host, &sup.Port, &sup.Container, &until, &sup.Reason, &created); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		sup.Until, sup.Created = parseTime(until), parseTime(created)
		out = append(out, sup)
	}
	return out, rows.Err()
}

// suppressionFor returns the ID of an active suppression covering the alert
// (0: none). A suppression with a container covers only alerts about that
// container; one without covers every alert of the address.
func suppressionFor(ctx context.Context, tx *sql.Tx, a Alert, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM suppressions WHERE port = ? AND until > ?
		AND (host = ? OR (host = ? AND ? <> ''))
		AND (container = '' OR container = ?) ORDER BY id LIMIT 1`,
		a.Port, fmtTime(now), a.IP, a.Host, a.Host, a.Container).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: suppression lookup: %w", err)
	}
	return id, nil
}
