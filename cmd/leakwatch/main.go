// Command leakwatch finds datastores reachable without authentication, tells
// how bad each one is, and keeps watching. Each subcommand lives in its own
// file and registers itself on rootCmd in an init function.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes (documented in README.md):
//
//	0 the command ran and found no open exposure
//	1 the command ran and found at least one open exposure (scan, verify)
//	2 usage or runtime error
const (
	exitOK      = 0
	exitExposed = 1
	exitFailure = 2
)

// errExposed makes main exit with exitExposed without printing an error.
var errExposed = errors.New("exposures found")

var version = "dev"

var rootCmd = &cobra.Command{
	Use:           "leakwatch",
	Short:         "Find datastores readable without authentication, before an attacker does",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	// net/http writes protocol noise about non-HTTP or hostile peers
	// ("Unsolicited response received on idle HTTP channel") to the standard
	// logger. A scanner meets such peers all the time and reports what
	// matters in its events, so that logger is silenced.
	log.SetOutput(io.Discard)
	err := rootCmd.Execute()
	switch {
	case err == nil:
		os.Exit(exitOK)
	case errors.Is(err, errExposed):
		os.Exit(exitExposed)
	default:
		fmt.Fprintln(os.Stderr, "leakwatch:", err)
		os.Exit(exitFailure)
	}
}
