// Package store keeps scans, the services they found and the exposures they
// reveal over time in one SQLite file (modernc.org/sqlite, no cgo), or, when
// Open is given a postgres:// DSN, in a PostgreSQL database (pgx). Both run
// the same migrations and the same queries: the SQL is written once, in the
// dialect both understand, and PostgreSQL connections rewrite `?`
// placeholders and LIKE at one place (postgres.go).
//
// The write path is crash-safe: the database runs in WAL mode, every event
// is recorded in one transaction on a single writer connection, and a scan's
// checkpoint is written after the services below it. A process killed with
// SIGKILL loses nothing it had recorded, and a resumed scan cannot record a
// port twice (UNIQUE(scan_id, ip, port)).
//
// The API, for the scan pipeline and for watch, web and report:
//
//	Open(ctx, path) / DefaultPath()            the database (migrations applied)
//	OpenScan, ReopenScan, Checkpoint, FinishScan  a scan's life (FinishScan closes
//	                                           exposures a completed scan no longer saw)
//	RecordEvent(ctx, ev)                       one event, its containers and findings,
//	                                           and the exposures table, in one transaction
//	ListScans, GetScan, RecordedPorts          scans
//	ServicesOfScan(ctx, id), Service(ctx, id)  recorded events
//	Exposures(ctx, filter, page)               exposures across scans, worst first
//	GetExposure, ExposureHistory(ctx, fp)      one exposure and every sighting of its address
//
// An exposure's fingerprint is Fingerprint(ev): "ip:port/service".
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a scan or exposure does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is an open leakwatch database. It is safe for concurrent use: writes
// are serialised on one connection, reads use a small pool.
type Store struct {
	w    *sql.DB // the one writer connection (PostgreSQL: the pool)
	r    *sql.DB // readers (WAL lets them run beside the writer)
	path string

	postgres bool    // opened with a postgres:// DSN
	raw      *sql.DB // PostgreSQL only: a pool without the SQL rewriting, for River
}

// DefaultPath is $XDG_DATA_HOME/leakwatch/leakwatch.db, or
// ~/.local/share/leakwatch/leakwatch.db when XDG_DATA_HOME is unset.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("store: no home directory for the default database: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "leakwatch", "leakwatch.db"), nil
}

// Open opens (creating it and its directory if needed) the database at path
// and applies pending migrations. A postgres:// or postgresql:// DSN opens
// that PostgreSQL database instead, with the same migrations and queries.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgresDSN(path) {
		return openPostgres(ctx, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{w: w, r: r, path: path}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// Scan results can name internal hosts: keep the file private.
	_ = os.Chmod(path, 0o600)
	return s, nil
}

// dsn builds the modernc.org/sqlite connection string. Pragmas run on every
// new connection: WAL (readers never block the writer and a killed process
// loses no committed transaction), a busy timeout (other processes, e.g.
// `leakwatch scans` during a scan), foreign keys for ON DELETE CASCADE.
// synchronous=NORMAL is durable against process crashes in WAL mode; only a
// power loss can drop the last transactions.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if writer {
		// BEGIN IMMEDIATE takes the write lock up front, so a transaction
		// never fails half-way with SQLITE_BUSY on lock upgrade.
		q.Add("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path returns the database file's path (PostgreSQL: the DSN without its
// password).
func (s *Store) Path() string { return s.path }

// Postgres reports whether the store lives in PostgreSQL.
func (s *Store) Postgres() bool { return s.postgres }

// Close closes the database.
func (s *Store) Close() error {
	if s.postgres {
		return errors.Join(s.w.Close(), s.raw.Close())
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

// tx runs fn in one write transaction.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if s.postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgWriteLock); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("store: write lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// timeLayout is fixed-width (RFC 3339, nanoseconds, always UTC) so text
// comparison in SQL orders times correctly.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

func nullTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return fmtTime(*t)
}

func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// noLimit is LIMIT's "all rows" on both databases (SQLite's LIMIT -1 is an
// error on PostgreSQL).
const noLimit = math.MaxInt64
