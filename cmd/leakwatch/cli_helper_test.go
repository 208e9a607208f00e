package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// The CLI is tested as users run it: as a separate process. The test binary
// re-executes itself with LEAKWATCH_CLI_ARGS set and TestCLIProcess turns
// into leakwatch's main (this avoids cobra's global flag state leaking
// between tests, and lets a test SIGKILL a scan).

const cliArgsEnv = "LEAKWATCH_CLI_ARGS"

func TestCLIProcess(t *testing.T) {
	raw, ok := os.LookupEnv(cliArgsEnv)
	if !ok {
		return // not a child: nothing to do
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Args = append([]string{"leakwatch"}, args...)
	main() // exits
}

// cli prepares leakwatch with args as a child process.
func cli(t testing.TB, ctx context.Context, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCLIProcess$")
	raw, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), cliArgsEnv+"="+string(raw), "XDG_DATA_HOME="+t.TempDir())
	return cmd
}

// runCLI runs leakwatch to completion and returns stdout, stderr and the exit code.
func runCLI(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	return runCLIStdin(t, "", args...)
}

// runCLIStdin is runCLI with stdin.
func runCLIStdin(t testing.TB, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := cli(t, ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errb, strings.NewReader(stdin)
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// listenClose accepts connections on addr and closes them at once: an open
// port that no probe recognises.
func listenClose(t testing.TB, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	})
}
