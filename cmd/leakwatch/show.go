package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/scan"
)

func init() {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show SCAN_ID",
		Short: "Show what a recorded scan found",
		Long: `Show a recorded scan: its settings and progress, then one line per service.
With --json, print the scan's events as JSON Lines (docs/event.md), as
"leakwatch scan --json" printed them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			sc, err := st.GetScan(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			rows, err := st.ServicesOfScan(cmd.Context(), sc.ID)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetEscapeHTML(false)
				for _, r := range rows {
					if err := enc.Encode(r.Event); err != nil {
						return err
					}
				}
				return nil
			}
			fmt.Fprintf(out, "scan %s  %s  started %s  took %s  %s of %d items done\n", sc.ID, status(*sc),
				sc.Started.Local().Format("2006-01-02 15:04:05"), duration(*sc), progress(*sc), sc.Total)
			fmt.Fprintf(out, "settings %s\n", sc.Args)
			if sc.Error != "" {
				fmt.Fprintf(out, "error: %s\n", sc.Error)
			}
			fmt.Fprintln(out)
			summary := new(scan.Summary)
			for _, r := range rows {
				summary.Add(r.Event)
			}
			return scan.WriteTable(out, summary.Rows())
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the scan's events as JSON Lines")
	rootCmd.AddCommand(cmd)
}
