package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOddPaths: the database path goes into a URI; spaces, '?', '#' and
// '%' in directory names must still name the same file.
func TestOddPaths(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my scans?#%20", "lw.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenScan(context.Background(), NewScan{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at %q: %v", path, err)
	}
}
