package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/report"
	"github.com/leakwatch/leakwatch/internal/store"
)

func init() {
	var db, exposure, scanID, format, out, reporter string
	cmd := &cobra.Command{
		Use:   "report (--exposure FINGERPRINT | --scan SCAN_ID)",
		Short: "Write an owner-ready disclosure report (html, md, json, pdf)",
		Long: `Write a disclosure report for one exposure (its latest observation and its
history) or for every open service of one scan: what is exposed, since when,
how bad and why, redacted evidence, what to do now, what affected users should
do and how to verify the fix. Raw sampled values are never in a report.
Fingerprints are listed by "leakwatch show SCAN_ID --json" (the exposures API
and dashboard show them too).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (exposure == "") == (scanID == "") {
				return fmt.Errorf("report: give exactly one of --exposure or --scan")
			}
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			var r report.Report
			if exposure != "" {
				r, err = exposureReport(cmd.Context(), st, exposure)
			} else {
				r, err = scanReport(cmd.Context(), st, scanID)
			}
			if err != nil {
				return err
			}
			r.Tool = "leakwatch " + version
			r.Reporter = reporter
			var w io.Writer = cmd.OutOrStdout()
			if out != "" && out != "-" {
				f, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			} else if strings.EqualFold(format, "pdf") {
				return fmt.Errorf("report: --format pdf needs -o FILE")
			}
			return report.Render(w, format, r)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store path (default under the user's data directory)")
	cmd.Flags().StringVar(&exposure, "exposure", "", "fingerprint of one exposure")
	cmd.Flags().StringVar(&scanID, "scan", "", "every open service of this scan")
	cmd.Flags().StringVar(&format, "format", "html", "html, md, json or pdf (pdf needs Chromium)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE (mode 0600) instead of stdout")
	cmd.Flags().StringVar(&reporter, "reporter", "", "who sends the report and how to reach them")
	rootCmd.AddCommand(cmd)
}

// exposureReport builds a report of one exposure's latest observation.
func exposureReport(ctx context.Context, st *store.Store, fp string) (report.Report, error) {
	e, err := st.GetExposure(ctx, fp)
	if err != nil {
		return report.Report{}, err
	}
	rows, err := st.ServicesOfScan(ctx, e.LastScanID)
	if err != nil {
		return report.Report{}, err
	}
	hist, err := st.ExposureHistory(ctx, fp)
	if err != nil {
		return report.Report{}, err
	}
	for _, row := range rows {
		if row.ID != e.LastServiceID {
			continue
		}
		return report.Report{ScanID: e.LastScanID, Exposures: []report.Exposure{{
			Event: row.Event, FirstSeen: e.FirstSeen, LastSeen: e.LastSeen,
			Observations: len(hist), Resolved: !e.Open,
		}}}, nil
	}
	return report.Report{}, fmt.Errorf("report: exposure %s: its last observation is missing from scan %s", fp, e.LastScanID)
}

// scanReport builds a report of every open service a scan found.
func scanReport(ctx context.Context, st *store.Store, id string) (report.Report, error) {
	sc, err := st.GetScan(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	rows, err := st.ServicesOfScan(ctx, sc.ID)
	if err != nil {
		return report.Report{}, err
	}
	r := report.Report{ScanID: sc.ID, Scope: string(sc.Args)}
	for _, row := range rows {
		if row.Event.Status != "open" {
			continue
		}
		x := report.Exposure{Event: row.Event}
		if row.Fingerprint != "" {
			if e, err := st.GetExposure(ctx, row.Fingerprint); err == nil {
				x.FirstSeen, x.LastSeen, x.Resolved = e.FirstSeen, e.LastSeen, !e.Open
			}
		}
		r.Exposures = append(r.Exposures, x)
	}
	return r, nil
}
