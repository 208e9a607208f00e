package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/store"
)

func init() {
	var db, container, until, reason string
	var list, all, asJSON bool
	var remove int64
	cmd := &cobra.Command{
		Use:   "ignore HOST:PORT --until DATE --reason TEXT [--container NAME]",
		Short: "Silence the alerts of an exposure (or one of its containers) until a date",
		Long: `Suppress alerts about HOST:PORT (an IP address or the hostname the scan was
given) until DATE, with a reason that stays on record. With --container only
alerts about that container are silenced. Suppressed alerts are still
recorded (leakwatch alerts shows them) but not sent.

DATE is 2026-12-31 (through the end of that day, UTC), an RFC 3339 time, or
a duration from now: 72h, 30d.`,
		Example: `  leakwatch ignore 10.0.0.5:9200 --until 2026-12-31 --reason "honeypot, owned by the SOC"
  leakwatch ignore 10.0.0.7:6379 --container db1 --until 30d --reason "test data, ticket OPS-1234"
  leakwatch ignore --list
  leakwatch ignore --remove 3`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			modes := 0
			for _, on := range []bool{list, remove != 0, len(args) == 1} {
				if on {
					modes++
				}
			}
			if modes != 1 {
				return errors.New("give HOST:PORT to add a suppression, or --list, or --remove ID")
			}
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			switch {
			case list:
				sups, err := st.Suppressions(ctx, all)
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(out)
					for _, s := range sups {
						if err := enc.Encode(s); err != nil {
							return err
						}
					}
					return nil
				}
				if len(sups) == 0 {
					fmt.Fprintln(out, "no active suppressions")
					return nil
				}
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tADDRESS\tCONTAINER\tUNTIL\tREASON")
				for _, s := range sups {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)),
						orDash(s.Container), s.Until.Local().Format("2006-01-02 15:04"), s.Reason)
				}
				return tw.Flush()
			case remove != 0:
				if err := st.RemoveSuppression(ctx, remove); err != nil {
					return err
				}
				fmt.Fprintf(out, "suppression %d removed\n", remove)
				return nil
			}
			host, portText, err := net.SplitHostPort(args[0])
			port, perr := strconv.Atoi(portText)
			if err != nil || perr != nil || host == "" || port < 1 || port > 65535 {
				return fmt.Errorf("%q: want HOST:PORT, e.g. 10.0.0.5:9200", args[0])
			}
			if strings.TrimSpace(reason) == "" {
				return errors.New("--reason is required: say why this exposure is acceptable")
			}
			end, err := parseUntil(until, time.Now())
			if err != nil {
				return err
			}
			id, err := st.AddSuppression(ctx, store.Suppression{Host: host, Port: port, Container: container, Until: end, Reason: reason})
			if err != nil {
				return err
			}
			what := args[0]
			if container != "" {
				what += " container " + container
			}
			fmt.Fprintf(out, "suppression %d: alerts about %s are silenced until %s\n", id, what, end.Local().Format(time.RFC3339))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	fl.StringVar(&container, "container", "", "only alerts about this container (database, index, ...)")
	fl.StringVar(&until, "until", "", "end of the suppression: `DATE` (2026-12-31), RFC 3339 time, or 72h / 30d from now")
	fl.StringVar(&reason, "reason", "", "why the exposure is accepted (kept on record)")
	fl.BoolVar(&list, "list", false, "list active suppressions")
	fl.BoolVar(&all, "all", false, "with --list: include expired ones")
	fl.BoolVar(&asJSON, "json", false, "with --list: one suppression per line as JSON")
	fl.Int64Var(&remove, "remove", 0, "delete suppression `ID`")
	rootCmd.AddCommand(cmd)
}

// parseUntil reads a date (through its end, UTC), an RFC 3339 time or a
// duration from now (Go syntax, or Nd for days). It must lie in the future.
func parseUntil(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("--until is required: a suppression must end")
	}
	var t time.Time
	if d, err := time.Parse("2006-01-02", s); err == nil {
		t = d.Add(24 * time.Hour)
	} else if ts, err := time.Parse(time.RFC3339, s); err == nil {
		t = ts
	} else if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return time.Time{}, fmt.Errorf("--until %q: not a number of days", s)
		}
		t = now.Add(time.Duration(n) * 24 * time.Hour)
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		t = now.Add(d)
	} else {
		return time.Time{}, fmt.Errorf("--until %q: want 2026-12-31, an RFC 3339 time, or 72h / 30d", s)
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("--until %s is in the past", s)
	}
	return t.UTC(), nil
}
