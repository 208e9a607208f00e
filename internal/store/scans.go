package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Scan statuses.
const (
	ScanRunning     = "running"
	ScanDone        = "done"
	ScanInterrupted = "interrupted" // stopped by Ctrl-C or a signal; resumable
	ScanFailed      = "failed"
)

// Scan is one row of the scans table.
type Scan struct {
	ID         string          `json:"id"`
	Started    time.Time       `json:"started"`
	Finished   *time.Time      `json:"finished,omitempty"`
	Updated    time.Time       `json:"updated"`
	Args       json.RawMessage `json:"args"`
	Status     string          `json:"status"`
	Total      uint64          `json:"total"`      // items (address x port) in scope
	Checkpoint uint64          `json:"checkpoint"` // every item below it is finished
	Services   int             `json:"services"`   // open ports recorded
	Identified int             `json:"identified"`
	Exposed    int             `json:"exposed"` // services with status open
	Error      string          `json:"error,omitempty"`
	// PID and Host name the process that last ran the scan.
	PID  int    `json:"pid,omitempty"`
	Host string `json:"host,omitempty"`
}

// Orphaned reports whether a running scan's process is gone: it ran on
// this machine and no process with its PID exists. A killed scan stays
// "running" in the database; this tells it apart (resume it).
func (sc *Scan) Orphaned() bool {
	if sc.Status != ScanRunning || sc.PID <= 0 {
		return false
	}
	if h, _ := os.Hostname(); h != sc.Host {
		return false // another machine's process: cannot tell
	}
	return processGone(sc.PID)
}

// NewScan describes a scan about to start.
type NewScan struct {
	Args  json.RawMessage // the CLI's arguments, replayed by --resume
	Total uint64
}

// NewScanID returns a short, sortable, unique enough id: 20261204-051735-3f9a.
func NewScanID(now time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// OpenScan records the start of a scan and returns it.
func (s *Store) OpenScan(ctx context.Context, n NewScan) (*Scan, error) {
	now := time.Now().UTC()
	if len(n.Args) == 0 {
		n.Args = json.RawMessage("{}")
	}
	sc := &Scan{ID: NewScanID(now), Started: now, Updated: now, Args: n.Args, Status: ScanRunning, Total: n.Total}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		sc.PID, sc.Host = owner()
		_, err := tx.ExecContext(ctx, `INSERT INTO scans(id, started, updated, args, status, total, pid, host)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sc.ID, fmtTime(now), fmtTime(now), string(n.Args), sc.Status, int64(n.Total), sc.PID, sc.Host)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: open scan: %w", err)
	}
	return sc, nil
}

// ReopenScan marks an unfinished scan running again (for --resume) and
// returns it. A scan that finished cannot be resumed.
func (s *Store) ReopenScan(ctx context.Context, id string) (*Scan, error) {
	sc, err := s.GetScan(ctx, id)
	if err != nil {
		return nil, err
	}
	if sc.Status == ScanDone {
		return nil, fmt.Errorf("store: scan %s already finished", id)
	}
	if sc.Status == ScanRunning && !sc.Orphaned() {
		return nil, fmt.Errorf("store: scan %s is still running (process %d on %s)", id, sc.PID, sc.Host)
	}
	pid, host := owner()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE scans SET status = ?, finished = NULL, updated = ?, pid = ?, host = ? WHERE id = ?`,
			ScanRunning, fmtTime(time.Now()), pid, host, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: reopen scan: %w", err)
	}
	sc.Status, sc.Finished, sc.PID, sc.Host = ScanRunning, nil, pid, host
	return sc, nil
}

// owner identifies this process.
func owner() (int, string) {
	h, _ := os.Hostname()
	return os.Getpid(), h
}

// Checkpoint records that every item below index is finished. It never
// moves the checkpoint backwards.
func (s *Store) Checkpoint(ctx context.Context, id string, index uint64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE scans SET checkpoint = CASE WHEN checkpoint > ?1 THEN checkpoint ELSE ?1 END, updated = ?2 WHERE id = ?3`,
			int64(index), fmtTime(time.Now()), id)
		return err
	})
}

// Finish says how a scan ended.
type Finish struct {
	Status string // ScanDone, ScanInterrupted or ScanFailed
	Error  string
	// Covers reports whether the scan's scope included ip:port. When the scan
	// is done, open exposures it covered but did not see open are closed.
	// Nil = close nothing.
	Covers func(ip netip.Addr, port int) bool
}

// FinishScan records the end of a scan and, for a completed scan, closes
// the exposures it covered and no longer found.
func (s *Store) FinishScan(ctx context.Context, id string, f Finish) error {
	now := fmtTime(time.Now())
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scans SET status = ?, error = ?, finished = ?, updated = ?,
			checkpoint = CASE WHEN ? = 'done' THEN total ELSE checkpoint END WHERE id = ?`,
			f.Status, f.Error, now, now, f.Status, id)
		if err != nil {
			return fmt.Errorf("store: finish scan: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: finish scan %s: %w", id, ErrNotFound)
		}
		if f.Status != ScanDone || f.Covers == nil {
			return nil
		}
		return closeMissing(ctx, tx, id, now, f.Covers)
	})
}

// closeMissing closes open exposures in the scan's scope that the scan did
// not see at all (the port is closed now, or nothing answers).
func closeMissing(ctx context.Context, tx *sql.Tx, scanID, now string, covers func(netip.Addr, int) bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT fingerprint, ip, port FROM exposures WHERE open = 1 AND last_scan_id <> ?`, scanID)
	if err != nil {
		return err
	}
	var gone []string
	for rows.Next() {
		var fp, ip string
		var port int
		if err := rows.Scan(&fp, &ip, &port); err != nil {
			rows.Close()
			return err
		}
		if addr, err := netip.ParseAddr(ip); err == nil && covers(addr, port) {
			gone = append(gone, fp)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, fp := range gone {
		if _, err := tx.ExecContext(ctx, `UPDATE exposures SET open = 0, closed_at = ?, last_scan_id = ? WHERE fingerprint = ?`,
			now, scanID, fp); err != nil {
			return err
		}
	}
	return nil
}

const scanCols = `id, started, finished, updated, args, status, total, checkpoint, services, identified, exposed, error, pid, host`

func scanScan(row interface{ Scan(...any) error }) (*Scan, error) {
	var sc Scan
	var started, updated, args string
	var finished sql.NullString
	var total, checkpoint int64
	if err := row.Scan(&sc.ID, &started, &finished, &updated, &args, &sc.Status, &total, &checkpoint,
		&sc.Services, &sc.Identified, &sc.Exposed, &sc.Error, &sc.PID, &sc.Host); err != nil {
		return nil, err
	}
	sc.Started, sc.Updated, sc.Finished = parseTime(started), parseTime(updated), parseNullTime(finished)
	sc.Args = json.RawMessage(args)
	sc.Total, sc.Checkpoint = uint64(total), uint64(checkpoint)
	return &sc, nil
}

// GetScan returns one scan, or ErrNotFound.
func (s *Store) GetScan(ctx context.Context, id string) (*Scan, error) {
	sc, err := scanScan(s.r.QueryRowContext(ctx, `SELECT `+scanCols+` FROM scans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: scan %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return sc, nil
}

// ListScans returns the newest scans first; limit <= 0 means all.
func (s *Store) ListScans(ctx context.Context, limit int) ([]Scan, error) {
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+scanCols+` FROM scans ORDER BY started DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Scan
	for rows.Next() {
		sc, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, *sc)
	}
	return out, rows.Err()
}

// RecordedPorts returns the addresses a scan already recorded, so a resumed
// scan skips them.
func (s *Store) RecordedPorts(ctx context.Context, id string) (map[netip.AddrPort]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT ip, port FROM services WHERE scan_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := map[netip.AddrPort]bool{}
	for rows.Next() {
		var ip string
		var port int
		if err := rows.Scan(&ip, &port); err != nil {
			return nil, err
		}
		if a, err := netip.ParseAddr(ip); err == nil {
			out[netip.AddrPortFrom(a, uint16(port))] = true
		}
	}
	return out, rows.Err()
}

// OpenExposureAddrs returns the addresses of the exposures still open.
func (s *Store) OpenExposureAddrs(ctx context.Context) ([]netip.AddrPort, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT ip, port FROM exposures WHERE open = 1`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []netip.AddrPort
	for rows.Next() {
		var ip string
		var port int
		if err := rows.Scan(&ip, &port); err != nil {
			return nil, err
		}
		if a, err := netip.ParseAddr(ip); err == nil {
			out = append(out, netip.AddrPortFrom(a, uint16(port)))
		}
	}
	return out, rows.Err()
}
