// Package pgtest gives store-backed tests a fresh PostgreSQL database, so
// the same suites run on SQLite and on PostgreSQL.
//
// The server is a dedicated cluster (never the lab's scan targets, which
// hold seeded leak data and log statements): STORE_PG_DSN when set (env or
// lab/run/env), else one this package starts once on 127.77.50.1:5432 from
// the Debian PostgreSQL binaries, data in $TMPDIR/leakwatch-storepg, left
// running for the next test binary (its PID is in the data directory's
// postmaster.pid). Each test gets its own database, dropped at cleanup.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/leakwatch/leakwatch/internal/labtest"
)

const (
	addr    = "127.77.50.1"
	port    = "5432"
	role    = "leakwatch_test"
	pgBin   = "/usr/lib/postgresql/15/bin"
	envName = "STORE_PG_DSN"
)

var (
	once    sync.Once
	baseDSN string
	baseErr error
)

// DSN returns the DSN of a new, empty database for t, or skips t with the
// reason PostgreSQL is unavailable.
func DSN(t testing.TB) string {
	t.Helper()
	once.Do(func() { baseDSN, baseErr = server() })
	if baseErr != nil {
		t.Skipf("PostgreSQL for the store tests unavailable: %v", baseErr)
	}
	admin, err := sql.Open("pgx", baseDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "lw_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", baseDSN)
		if err != nil {
			return
		}
		defer a.Close()
		if _, err := a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: dropping %s: %v", name, err)
		}
	})
	return withDatabase(baseDSN, name)
}

// withDatabase replaces the database name (the path) of a postgres:// DSN.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func server() (string, error) {
	if dsn, ok := os.LookupEnv(envName); ok && dsn != "" {
		return dsn, nil
	}
	if dsn, ok := labtest.Lookup(envName); ok && dsn != "" {
		return dsn, nil
	}
	dsn := fmt.Sprintf("postgres://%s@%s:%s/postgres?sslmode=disable", role, addr, port)
	if ping(dsn) == nil {
		return dsn, nil
	}
	if _, err := os.Stat(filepath.Join(pgBin, "postgres")); err != nil {
		return "", fmt.Errorf("no PostgreSQL binaries (%s): install Debian's postgresql or set %s", pgBin, envName)
	}
	root := filepath.Join(os.TempDir(), "leakwatch-storepg")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	// Test binaries of several packages start at once: one starts the server.
	lock, err := os.OpenFile(filepath.Join(root, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if ping(dsn) == nil {
		return dsn, nil
	}
	if err := start(root); err != nil {
		return "", err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := ping(dsn)
		if err == nil {
			return dsn, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("server on %s:%s not ready: %w (log: %s)", addr, port, err, filepath.Join(root, "log"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// start initialises (once) and starts the cluster as user postgres: the
// server refuses to run as root.
func start(root string) error {
	data, run := filepath.Join(root, "data"), filepath.Join(root, "run")
	asPG := func(name string, args ...string) *exec.Cmd {
		if os.Geteuid() != 0 {
			return exec.Command(name, args...)
		}
		return exec.Command("setpriv", append([]string{"--reuid=postgres", "--regid=postgres", "--init-groups", "--", name}, args...)...)
	}
	if os.Geteuid() == 0 {
		for _, d := range []string{data, run} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return err
			}
			if out, err := exec.Command("chown", "postgres:postgres", d).CombinedOutput(); err != nil {
				return fmt.Errorf("chown %s: %v: %s", d, err, out)
			}
		}
	} else if err := os.MkdirAll(run, 0o700); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		out, err := asPG(filepath.Join(pgBin, "initdb"), "-D", data, "-U", role, "--auth=trust", "--no-sync").CombinedOutput()
		if err != nil {
			return fmt.Errorf("initdb: %v: %s", err, out)
		}
	}
	logf, err := os.OpenFile(filepath.Join(root, "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := asPG(filepath.Join(pgBin, "postgres"), "-D", data, "-c", "listen_addresses="+addr, "-c", "port="+port,
		"-c", "unix_socket_directories="+run, "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own session: the server outlives this test binary for the next.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	return cmd.Process.Release()
}
