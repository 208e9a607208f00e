package watch

import (
	"path/filepath"
	"testing"

	"github.com/leakwatch/leakwatch/internal/store/pgtest"
)

// storeBackends are the databases every store-backed watch test runs on:
// a fresh SQLite file and a fresh PostgreSQL database (skipped when no
// PostgreSQL can be started).
var storeBackends = []struct {
	name string
	dsn  func(testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "lw.db") }},
	{"postgres", pgtest.DSN},
}

func eachStore(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.dsn(t)) })
	}
}
