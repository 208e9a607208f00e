package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestCLIDocCoversFlags fails when a flag of scan, scans or show is missing
// from docs/cli.md.
func TestCLIDocCoversFlags(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"scan", "scans", "show", "report", "verify"} {
		cmd, _, err := rootCmd.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Fatalf("command %s: %v", name, err)
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			if !strings.Contains(string(doc), "--"+f.Name) {
				t.Errorf("%s --%s is not documented in docs/cli.md", name, f.Name)
			}
		})
	}
}
