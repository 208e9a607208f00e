package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/leakwatch/leakwatch/internal/alert"
	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/classify"
	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
	"github.com/leakwatch/leakwatch/internal/scope"
	"github.com/leakwatch/leakwatch/internal/store"
)

// scanStages are the enrichment steps run on every event after
// exploration, in order: the classifier turns samples into findings, then
// the assessor grades the event from its access, inventory and findings.
func scanStages() []scan.Stage {
	return []scan.Stage{classify.Stage(classify.New(classify.Options{})), assess.Stage()}
}

// scanArgs are a scan's settings as stored with it, so --resume replays
// exactly the same scope (same targets, ports and permutation seed).
type scanArgs = scan.Args

type scanFlags struct {
	list, excludeFile, ports, probes, db, resume string
	excludes                                     []string
	rate, concurrency, perHost, sample           int
	timeout                                      time.Duration
	json, noStore, quiet, allowReserved          bool
	noDefaultCredentials                         bool
	checkpointEvery                              time.Duration
}

func init() {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan [TARGETS...] [-l FILE] [-]",
		Short: "Find datastores readable without credentials, prove access and inventory them",
		Long: `Scan targets (addresses, CIDRs, ranges, hostnames, host:port, URLs; "-" reads
them from stdin, one per line) for datastores, prove what an anonymous client
can read, inventory it and record the results.

Every service found is one event (docs/event.md); --json prints them as JSON
Lines on stdout. Results are stored in a SQLite database (--db) with the
scan's progress, so an interrupted scan continues with --resume SCAN_ID.

Exit status: 0 nothing readable found, 1 at least one open exposure, 2 error.`,
		Example: `  leakwatch scan 10.0.0.0/24
  leakwatch scan -l targets.txt --exclude 10.0.0.5 --ports 6379,9200 --json > events.jsonl
  leakwatch scan --resume 20261204-051735-3f9a`,
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd, args, &f) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.list, "list", "l", "", "read targets from `FILE`, one per line (- for stdin)")
	fl.StringSliceVar(&f.excludes, "exclude", nil, "never scan these addresses, CIDRs or ranges (repeatable)")
	fl.StringVar(&f.excludeFile, "exclude-file", "", "read excludes from `FILE`, one per line")
	fl.StringVarP(&f.ports, "ports", "p", "", "ports to scan, e.g. 6379,9200,27017-27019 (default: every probe's default ports)")
	fl.IntVar(&f.rate, "rate", 10000, "connection attempts per second during port discovery")
	fl.IntVar(&f.concurrency, "concurrency", 1024, "connection attempts in flight during port discovery")
	fl.IntVar(&f.perHost, "per-host", 32, "connection attempts in flight per address")
	fl.DurationVar(&f.timeout, "timeout", 2*time.Second, "connect timeout")
	fl.IntVar(&f.sample, "sample", probe.DefaultLimits().Sample, "documents sampled per container for classification (0 = read no content)")
	fl.StringVar(&f.probes, "probes", "", "only these probes, comma-separated (an unknown name lists the known ones)")
	fl.BoolVar(&f.json, "json", false, "print one event per line (JSON Lines) on stdout")
	fl.StringVar(&f.db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	fl.StringVar(&f.resume, "resume", "", "continue the interrupted scan `SCAN_ID`")
	fl.BoolVar(&f.noStore, "no-store", false, "do not record the scan (it cannot be resumed)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress line and no summary table")
	fl.BoolVar(&f.allowReserved, "allow-reserved", false, "allow reserved, multicast and documentation ranges")
	fl.BoolVar(&f.noDefaultCredentials, "no-default-credentials", false,
		"never log in with a protocol's default user (postgres without a password, MySQL root with an empty password, RabbitMQ guest/guest)")
	fl.DurationVar(&f.checkpointEvery, "checkpoint-every", time.Second, "how often the scan's progress is saved")
	_ = fl.MarkHidden("checkpoint-every")
	rootCmd.AddCommand(cmd)
}

func runScan(cmd *cobra.Command, posArgs []string, f *scanFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := cmd.ErrOrStderr()

	var st *store.Store
	if !f.noStore {
		s, err := openStore(cmd, f.db)
		if err != nil {
			return err
		}
		defer s.Close()
		st = s
	}
	args, resumed, err := loadScanArgs(cmd, posArgs, f, st)
	if err != nil {
		return err
	}
	probes, err := selectProbes(args.Probes)
	if err != nil {
		return err
	}
	ports := args.Ports
	if len(ports) == 0 {
		ports = probe.DefaultPorts(probes)
	}
	if len(ports) == 0 {
		return errors.New("no ports to scan: give --ports (no probe is registered)")
	}
	timeout, err := time.ParseDuration(args.Timeout)
	if err != nil {
		return fmt.Errorf("timeout %q: %w", args.Timeout, err)
	}
	sc, err := scope.Parse(ctx, args.Targets, args.Excludes, scope.Options{
		DefaultPorts: ports, AllowReserved: args.AllowReserved, Seed: args.Seed})
	if err != nil {
		return err
	}

	limits := probe.DefaultLimits()
	limits.ConnectTimeout = timeout
	limits.Sample = args.Sample
	limits.NoDefaultCredentials = args.NoDefaultCredentials
	cfg := scan.Config{
		Items: sc.Items, Total: sc.Len(), CheckpointEvery: f.checkpointEvery,
		Discover: discover.Config{Rate: args.Rate, Concurrency: args.Concurrency, PerHost: args.PerHost, Timeout: timeout},
		Probes:   probes, Limits: limits, Stages: scanStages(), Counters: new(scan.Counters),
	}
	var rec *store.Scan
	switch {
	case resumed != "":
		if rec, err = st.ReopenScan(ctx, resumed); err != nil {
			return err
		}
		if cfg.Skip, err = st.RecordedPorts(ctx, rec.ID); err != nil {
			return err
		}
		cfg.Start = rec.Checkpoint
		fmt.Fprintf(stderr, "resuming scan %s at item %d of %d (%d services already recorded)\n",
			rec.ID, cfg.Start, sc.Len(), len(cfg.Skip))
	case st != nil:
		raw, _ := json.Marshal(args)
		if rec, err = st.OpenScan(ctx, store.NewScan{Args: raw, Total: sc.Len()}); err != nil {
			return err
		}
		if !f.quiet {
			fmt.Fprintf(stderr, "scan %s: %d addresses×ports, recording to %s\n", rec.ID, sc.Len(), st.Path())
		}
	}
	summary := new(scan.Summary)
	if rec != nil {
		id := rec.ID
		cfg.ScanID = id
		cfg.Sinks = append(cfg.Sinks, scan.StoreSink(st))
		cfg.Checkpoint = func(ctx context.Context, idx uint64) error { return st.Checkpoint(ctx, id, idx) }
	}
	if f.json {
		cfg.Sinks = append(cfg.Sinks, scan.JSONLines(cmd.OutOrStdout()))
	}
	cfg.Sinks = append(cfg.Sinks, summary)

	progressDone := func() {}
	if !f.quiet && isTerminal(stderr) {
		pctx, cancel := context.WithCancel(ctx)
		finished := make(chan struct{})
		go func() { scan.ShowProgress(pctx, stderr, cfg.Counters, sc.Len(), 500*time.Millisecond); close(finished) }()
		progressDone = func() { cancel(); <-finished }
	}
	stats, runErr := scan.Run(ctx, cfg)
	progressDone()
	interrupted := runErr != nil && ctx.Err() != nil && errors.Is(runErr, ctx.Err())
	stop() // a second Ctrl-C now kills the process as usual (stop also ends ctx)

	exposed := stats.Exposed
	if rec != nil {
		total, err := finishScan(context.WithoutCancel(ctx), st, rec.ID, sc, interrupted, runErr)
		if err != nil {
			return errors.Join(runErr, err)
		}
		exposed = total // a resumed scan counts what the first run found too
	}
	if !f.quiet {
		out := cmd.OutOrStdout()
		if f.json {
			out = stderr
		}
		if err := scan.WriteTable(out, summary.Rows()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d open ports, %d identified, %d readable without credentials, %s\n",
			stats.Open, stats.Identified, stats.Exposed, stats.Elapsed.Round(time.Millisecond))
	}
	switch {
	case interrupted && rec != nil:
		return fmt.Errorf("interrupted: what was found is stored; continue with: leakwatch scan --resume %s", rec.ID)
	case interrupted:
		return errors.New("interrupted")
	case runErr != nil:
		return runErr
	case exposed > 0:
		return errExposed
	}
	return nil
}

// loadScanArgs returns a new scan's settings from the command line, or
// those stored with the scan to resume (and its id).
func loadScanArgs(cmd *cobra.Command, posArgs []string, f *scanFlags, st *store.Store) (scanArgs, string, error) {
	if f.resume == "" {
		a, err := newScanArgs(cmd, posArgs, f)
		return a, "", err
	}
	var args scanArgs
	if st == nil {
		return args, "", errors.New("--resume needs the database (drop --no-store)")
	}
	if len(posArgs) > 0 || f.list != "" || cmd.Flags().Changed("ports") || cmd.Flags().Changed("probes") {
		return args, "", errors.New("--resume replays the stored scan: give no targets, --ports or --probes")
	}
	rec, err := st.GetScan(cmd.Context(), f.resume)
	if err != nil {
		return args, "", err
	}
	if rec.Status == store.ScanDone {
		return args, "", fmt.Errorf("scan %s already finished", rec.ID)
	}
	if err := json.Unmarshal(rec.Args, &args); err != nil {
		return args, "", fmt.Errorf("scan %s: stored arguments: %w", rec.ID, err)
	}
	return args, rec.ID, nil
}

// finishScan records how the scan ended and returns how many services of
// the whole scan (all runs) were readable without credentials. A completed
// scan also closes the exposures its scope covered and it did not see.
func finishScan(ctx context.Context, st *store.Store, id string, sc *scope.Scope, interrupted bool, runErr error) (uint64, error) {
	fin := store.Finish{Status: store.ScanDone}
	switch {
	case interrupted:
		fin.Status = store.ScanInterrupted
	case runErr != nil:
		fin.Status, fin.Error = store.ScanFailed, runErr.Error()
	default:
		covers, err := st.CoveredBy(ctx, sc)
		if err != nil {
			return 0, err
		}
		fin.Covers = covers
	}
	if err := st.FinishScan(ctx, id, fin); err != nil {
		return 0, err
	}
	if fin.Status == store.ScanDone {
		// Keep the exposure history continuous for the watcher: a plain
		// scan's observations and alerts are recorded (not sent: it has no
		// channels), so a closure it saw is not lost.
		if _, err := alert.RecordScan(ctx, st, id, alert.Options{}, nil); err != nil {
			return 0, err
		}
	}
	rec, err := st.GetScan(ctx, id)
	if err != nil {
		return 0, err
	}
	return uint64(rec.Exposed), nil
}

// newScanArgs gathers a new scan's settings from the command line.
func newScanArgs(cmd *cobra.Command, posArgs []string, f *scanFlags) (scanArgs, error) {
	a := scanArgs{Rate: f.rate, Concurrency: f.concurrency, PerHost: f.perHost, Timeout: f.timeout.String(),
		Sample: f.sample, AllowReserved: f.allowReserved, Seed: randomSeed(), NoDefaultCredentials: f.noDefaultCredentials}
	if f.sample < 0 || f.rate <= 0 || f.concurrency <= 0 || f.perHost <= 0 || f.timeout <= 0 {
		return a, errors.New("--sample must be >= 0; --rate, --concurrency, --per-host and --timeout > 0")
	}
	stdinUsed := false
	readFile := func(name string) ([]string, error) {
		if name == "-" {
			if stdinUsed {
				return nil, errors.New("stdin given twice")
			}
			stdinUsed = true
			return scope.ReadTargets(cmd.InOrStdin())
		}
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return scope.ReadTargets(fh)
	}
	for _, t := range posArgs {
		if t == "-" {
			ts, err := readFile("-")
			if err != nil {
				return a, err
			}
			a.Targets = append(a.Targets, ts...)
			continue
		}
		a.Targets = append(a.Targets, t)
	}
	if f.list != "" {
		ts, err := readFile(f.list)
		if err != nil {
			return a, fmt.Errorf("--list: %w", err)
		}
		a.Targets = append(a.Targets, ts...)
	}
	if len(a.Targets) == 0 {
		return a, errors.New("no targets: give addresses, -l FILE or - (stdin)")
	}
	a.Excludes = append(a.Excludes, f.excludes...)
	if f.excludeFile != "" {
		ex, err := readFile(f.excludeFile)
		if err != nil {
			return a, fmt.Errorf("--exclude-file: %w", err)
		}
		a.Excludes = append(a.Excludes, ex...)
	}
	if f.probes != "" {
		for p := range strings.SplitSeq(f.probes, ",") {
			if p = strings.TrimSpace(p); p != "" {
				a.Probes = append(a.Probes, p)
			}
		}
	}
	if f.ports != "" {
		ports, err := parsePorts(f.ports)
		if err != nil {
			return a, err
		}
		a.Ports = ports
	}
	return a, nil
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// selectProbes returns the registered probes, or those named.
func selectProbes(names []string) ([]probe.Probe, error) {
	if len(names) == 0 {
		return all.Probes(), nil
	}
	var out []probe.Probe
	for _, n := range names {
		p := all.ByName(n)
		if p == nil {
			var known []string
			for _, p := range all.Probes() {
				known = append(known, p.Name())
			}
			return nil, fmt.Errorf("unknown probe %q (known: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePorts reads "6379,9200,27017-27019".
func parsePorts(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 1 || b > 65535 || a > b {
			return nil, fmt.Errorf("--ports: %q is not a port or range between 1 and 65535", part)
		}
		for p := a; p <= b; p++ {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--ports: no port given")
	}
	return out, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
