package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/notify"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/watch"
)

type watchFlags struct {
	db, config, every, ports, probes, timeout string
	webhook, webhookSecretEnv, slack, minSev  string
	excludes                                  []string
	tick                                      time.Duration
}

func init() {
	var f watchFlags
	cmd := &cobra.Command{
		Use:   "watch (--every 1h TARGETS... | --config FILE)",
		Short: "Scan on a schedule and alert on new, closed, worse or wiped exposures",
		Long: `Rescan targets on a schedule and raise alerts when a scan finishes: an
exposure opened or closed, its severity raised, a new sensitive data type,
a sharp drop in stored data (wipe) or a ransom note. Alerts are recorded in
the database and sent to webhooks, Slack or e-mail, retried until delivered.

With --config, the file (YAML or TOML) defines several target groups, each
with its own schedule, ports, excludes and channels; see docs/watch.md. The
schedule survives restarts: a group runs when its interval has passed since
its last run, and never twice at once. Stop with Ctrl-C.`,
		Example: `  leakwatch watch --every 1h 10.0.0.0/24 --webhook https://soc.example/hook --webhook-secret-env LW_HOOK_SECRET
  leakwatch watch --config /etc/leakwatch/watch.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error { return runWatch(cmd, args, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	fl.StringVarP(&f.config, "config", "c", "", "watch configuration `FILE` (.yaml, .yml or .toml)")
	fl.StringVar(&f.every, "every", "", "scan the targets at this interval (e.g. 30m, 1h, 24h)")
	fl.StringVarP(&f.ports, "ports", "p", "", "ports to scan (default: every probe's default ports)")
	fl.StringSliceVar(&f.excludes, "exclude", nil, "never scan these addresses, CIDRs or ranges (repeatable)")
	fl.StringVar(&f.probes, "probes", "", "only these probes, comma-separated")
	fl.StringVar(&f.timeout, "timeout", "", "connect timeout (default 2s)")
	fl.StringVar(&f.webhook, "webhook", "", "send alerts as signed JSON to this `URL`")
	fl.StringVar(&f.webhookSecretEnv, "webhook-secret-env", "", "environment `VARIABLE` holding the webhook's HMAC key")
	fl.StringVar(&f.slack, "slack", "", "send alerts to this Slack-compatible incoming webhook `URL`")
	fl.StringVar(&f.minSev, "min-severity", "", "only send alerts of at least this severity (info, low, medium, high, critical)")
	fl.DurationVar(&f.tick, "tick", 10*time.Second, "how often the schedule is checked (default: a fifth of the shortest interval, 1s to 10s)")
	_ = fl.MarkHidden("tick")
	rootCmd.AddCommand(cmd)
}

// watchConfig builds the configuration from --config or the command line.
func watchConfig(cmd *cobra.Command, args []string, f *watchFlags) (*watch.Config, error) {
	if f.config != "" {
		for _, name := range []string{"every", "ports", "exclude", "probes", "timeout", "webhook", "slack", "min-severity"} {
			if cmd.Flags().Changed(name) {
				return nil, fmt.Errorf("--%s cannot be combined with --config: put it in the file", name)
			}
		}
		if len(args) > 0 {
			return nil, errors.New("targets come from the --config file: give none on the command line")
		}
		return watch.LoadConfig(f.config)
	}
	if f.every == "" || len(args) == 0 {
		return nil, errors.New("give --every DURATION and targets, or --config FILE")
	}
	g := watch.Group{Name: "default", Targets: args, Excludes: f.excludes, Ports: f.ports, Every: f.every, Timeout: f.timeout}
	if f.probes != "" {
		g.Probes = splitList(f.probes)
	}
	c := &watch.Config{Groups: []watch.Group{g}}
	if f.webhook != "" {
		ch := notify.ChannelConfig{Name: "webhook", Type: "webhook", URL: f.webhook, MinSeverity: f.minSev}
		if f.webhookSecretEnv != "" {
			secret, ok := os.LookupEnv(f.webhookSecretEnv)
			if !ok || secret == "" {
				return nil, fmt.Errorf("--webhook-secret-env: $%s is not set", f.webhookSecretEnv)
			}
			ch.Secret = secret
		}
		c.Channels = append(c.Channels, ch)
	}
	if f.slack != "" {
		c.Channels = append(c.Channels, notify.ChannelConfig{Name: "slack", Type: "slack", URL: f.slack, MinSeverity: f.minSev})
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func runWatch(cmd *cobra.Command, args []string, f *watchFlags) error {
	cfg, err := watchConfig(cmd, args, f)
	if err != nil {
		return err
	}
	chans, err := cfg.Validate()
	if err != nil {
		return err
	}
	if f.tick <= 0 {
		return errors.New("--tick must be > 0")
	}
	tick := f.tick
	if !cmd.Flags().Changed("tick") {
		tick = 0 // the watcher's default: a fifth of the shortest interval, 1 s to 10 s
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(cmd, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	logger := log.New(cmd.ErrOrStderr(), "", log.LstdFlags)
	scanner := &watch.Scanner{Store: st, Probes: all.Probes(), Stages: scanStages()}
	w := &watch.Watcher{Store: st, Config: cfg, Scan: scanner.Scan, Channels: chans, Tick: tick,
		Log: func(format string, a ...any) { logger.Printf(format, a...) }}
	for _, g := range cfg.Groups {
		logger.Printf("group %s: %d targets every %s", g.Name, len(g.Targets), g.Every)
	}
	if len(chans) == 0 {
		logger.Printf("no alert channels: alerts are only recorded (leakwatch alerts lists them)")
	}
	logger.Printf("watching; database %s; Ctrl-C stops", st.Path())
	return w.Run(ctx)
}
