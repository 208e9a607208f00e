package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/store"
)

// openStore opens --db or the default database.
func openStore(cmd *cobra.Command, path string) (*store.Store, error) {
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return store.Open(cmd.Context(), path)
}

func init() {
	var db string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "scans",
		Short: "List recorded scans, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			scans, err := st.ListScans(cmd.Context(), limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				for _, s := range scans {
					if err := enc.Encode(s); err != nil {
						return err
					}
				}
				return nil
			}
			if len(scans) == 0 {
				fmt.Fprintln(out, "no scans recorded in", st.Path())
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTARTED\tDURATION\tSTATUS\tPROGRESS\tSERVICES\tIDENTIFIED\tEXPOSED")
			for _, s := range scans {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s.ID, s.Started.Local().Format("2006-01-02 15:04:05"),
					duration(s), status(s), progress(s), s.Services, s.Identified, s.Exposed)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	cmd.Flags().IntVarP(&limit, "limit", "n", 50, "show at most N scans (0 = all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "one scan per line as JSON")
	rootCmd.AddCommand(cmd)
}

func duration(s store.Scan) string {
	end := s.Updated
	if s.Finished != nil {
		end = *s.Finished
	}
	return end.Sub(s.Started).Round(time.Second).String()
}

// status is the scan's status, "orphaned" for a running scan whose
// process is gone (killed: resume it).
func status(s store.Scan) string {
	if s.Orphaned() {
		return "orphaned"
	}
	return s.Status
}

func progress(s store.Scan) string {
	if s.Total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", float64(s.Checkpoint)*100/float64(s.Total))
}
