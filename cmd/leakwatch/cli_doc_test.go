package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestCLIDocCoversFlags fails when a command or one of its flags is missing
// from the docs (docs/cli.md, or the page docs/cli.md points to for it).
func TestCLIDocCoversFlags(t *testing.T) {
	var doc []byte
	for _, page := range []string{"cli.md", "watch.md", "web.md", "classify.md"} {
		b, err := os.ReadFile("../../docs/" + page)
		if err != nil {
			t.Fatal(err)
		}
		doc = append(doc, b...)
	}
	cli, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rootCmd.Commands() {
		name := c.Name()
		if name == "help" || name == "completion" {
			continue
		}
		if !strings.Contains(string(cli), "leakwatch "+name) {
			t.Errorf("command %s is not in docs/cli.md", name)
		}
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
