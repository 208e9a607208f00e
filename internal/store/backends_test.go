package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/leakwatch/leakwatch/internal/store/pgtest"
)

// backend is where a test's store lives: every store test runs on each.
type backend struct {
	name string
	dsn  func(testing.TB) string // a new, empty database
}

var backends = []backend{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "sub", "leakwatch.db") }},
	{"postgres", pgtest.DSN}, // skips when no PostgreSQL can be started
}

// eachBackend runs fn as one subtest per backend.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// open opens a fresh store on b, closed at cleanup.
func (b backend) open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), b.dsn(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
