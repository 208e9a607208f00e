package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/store"
)

func init() {
	var db, scanID, kind string
	var since time.Duration
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List the alerts the watcher raised and how their delivery went",
		Long: `List recorded alerts, newest first, with each channel's delivery state:
delivered, or pending with the number of attempts and the last error.
Suppressed alerts are listed with the suppression that silenced them.`,
		Example: `  leakwatch alerts
  leakwatch alerts --kind wiped --since 168h --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			f := store.AlertFilter{ScanID: scanID, Kind: kind, Limit: limit}
			if since > 0 {
				f.Since = time.Now().Add(-since)
			}
			list, err := st.ListAlerts(cmd.Context(), f)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				for _, a := range list {
					if err := enc.Encode(a); err != nil {
						return err
					}
				}
				return nil
			}
			return writeAlerts(out, list)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	fl.StringVar(&scanID, "scan", "", "only alerts of scan `ID`")
	fl.StringVar(&kind, "kind", "", "only this kind: opened, closed, severity-raised, new-data-type, wiped, ransom-note")
	fl.DurationVar(&since, "since", 0, "only alerts raised in this last duration (e.g. 24h)")
	fl.IntVarP(&limit, "limit", "n", 50, "show at most N alerts")
	fl.BoolVar(&asJSON, "json", false, "one alert per line as JSON, with its deliveries")
	rootCmd.AddCommand(cmd)
}

func writeAlerts(out io.Writer, list []store.AlertWithDeliveries) error {
	if len(list) == 0 {
		fmt.Fprintln(out, "no alerts")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRAISED\tSEVERITY\tKIND\tEXPOSURE\tDELIVERY\tTITLE")
	for _, a := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Created.Local().Format("2006-01-02 15:04"),
			orDash(a.Severity), a.Kind, a.Fingerprint, deliveryState(a), a.Title)
	}
	return tw.Flush()
}

func deliveryState(a store.AlertWithDeliveries) string {
	if a.SuppressedBy != 0 {
		return fmt.Sprintf("suppressed (#%d)", a.SuppressedBy)
	}
	if len(a.Deliveries) == 0 {
		return "-"
	}
	var parts []string
	for _, d := range a.Deliveries {
		switch d.Status {
		case store.DeliveryDelivered:
			parts = append(parts, d.Channel+" ok")
		default:
			s := fmt.Sprintf("%s pending (%d tries", d.Channel, d.Attempts)
			if d.LastError != "" {
				s += ": " + clip(d.LastError, 60)
			}
			parts = append(parts, s+")")
		}
	}
	return strings.Join(parts, ", ")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
