package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/diff"
	"github.com/leakwatch/leakwatch/internal/store"
)

func init() {
	var db, exposure string
	var asJSON, all bool
	th := diff.DefaultThresholds
	cmd := &cobra.Command{
		Use:   "diff [SCAN_A] [SCAN_B]",
		Short: "Compare two scans: new, closed, changed and unchanged exposures",
		Long: `Compare the exposures of two recorded scans (default: the last two finished
ones; with one ID, that scan against the newest finished one). Changed means
new or vanished containers, document counts up or down beyond --threshold,
new sensitive data types, or another severity.`,
		Example: `  leakwatch diff
  leakwatch diff 20261203-020000-1a2b 20261204-020000-3c4d --json
  leakwatch diff --exposure 10.0.0.7:6379/redis   # per-container counts over time`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if th.Ratio < 0 || th.MinDelta < 0 {
				return errors.New("--threshold and --min-delta must be >= 0")
			}
			st, err := openStore(cmd, db)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			if exposure != "" {
				if len(args) > 0 {
					return errors.New("--exposure takes no scan IDs")
				}
				return exposureHistory(cmd, st, exposure, asJSON)
			}
			var a, b string
			switch len(args) {
			case 2:
				a, b = args[0], args[1]
			case 1:
				ids, err := st.FinishedScans(ctx, 1)
				if err != nil {
					return err
				}
				if len(ids) == 0 {
					return errors.New("no finished scan to compare with")
				}
				a, b = args[0], ids[0]
			default:
				if a, b, err = diff.LastTwo(ctx, st); err != nil {
					return err
				}
			}
			for _, id := range []string{a, b} {
				if _, err := st.GetScan(ctx, id); err != nil {
					return err
				}
			}
			res, err := diff.Scans(ctx, st, a, b, th)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return writeDiff(cmd.OutOrStdout(), res, all)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", "", "database `PATH` (default $XDG_DATA_HOME/leakwatch/leakwatch.db)")
	fl.BoolVar(&asJSON, "json", false, "print the comparison as JSON")
	fl.BoolVar(&all, "all", false, "also list unchanged exposures")
	fl.StringVar(&exposure, "exposure", "", "instead, show the container counts of exposure `FINGERPRINT` (ip:port/service) in every scan")
	fl.Float64Var(&th.Ratio, "threshold", th.Ratio, "report a container whose document count moved by at least this share (0.2 = 20%)")
	fl.Int64Var(&th.MinDelta, "min-delta", th.MinDelta, "ignore count changes smaller than this many documents")
	rootCmd.AddCommand(cmd)
}

// exposureHistory prints an exposure's per-container counts over time.
func exposureHistory(cmd *cobra.Command, st *store.Store, fp string, asJSON bool) error {
	ctx := cmd.Context()
	if _, err := st.GetExposure(ctx, fp); err != nil {
		return err
	}
	points, err := st.ContainerHistory(ctx, fp)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		for _, p := range points {
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCAN\tTIME\tCONTAINER\tDOCUMENTS\tBYTES")
	for _, p := range points {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ScanID, p.Time.Local().Format("2006-01-02 15:04"), p.Name,
			ptrCount(p.Documents), ptrCount(p.Bytes))
	}
	return tw.Flush()
}

func writeDiff(out io.Writer, res *diff.Result, all bool) error {
	fmt.Fprintf(out, "scan %s → %s: %d new, %d closed, %d changed, %d unchanged\n", res.ScanA, res.ScanB,
		len(res.New), len(res.Closed), len(res.Changed), len(res.Unchanged))
	rows := [][]diff.ExposureChange{res.New, res.Closed, res.Changed}
	if all {
		rows = append(rows, res.Unchanged)
	}
	if len(res.New)+len(res.Closed)+len(res.Changed) == 0 && !all {
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tEXPOSURE\tSEVERITY\tDOCUMENTS\tDETAILS")
	for _, list := range rows {
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Kind, c.Fingerprint, diffSeverity(c), diffDocs(c), diffDetails(c))
		}
	}
	return tw.Flush()
}

func diffSeverity(c diff.ExposureChange) string {
	b, a := string(c.SeverityBefore), string(c.SeverityAfter)
	switch {
	case c.Kind == diff.New:
		return orDash(a)
	case c.Kind == diff.Closed:
		return orDash(b)
	case a != b:
		return orDash(b) + " → " + orDash(a)
	}
	return orDash(a)
}

func diffDocs(c diff.ExposureChange) string {
	switch c.Kind {
	case diff.New:
		return fmt.Sprint(c.DocsAfter)
	case diff.Closed:
		return fmt.Sprint(c.DocsBefore)
	}
	if c.DocsBefore == c.DocsAfter {
		return fmt.Sprint(c.DocsAfter)
	}
	return fmt.Sprintf("%d → %d", c.DocsBefore, c.DocsAfter)
}

func diffDetails(c diff.ExposureChange) string {
	var parts []string
	if c.Kind == diff.Closed && c.StatusAfter != "" {
		parts = append(parts, "now "+c.StatusAfter)
	}
	if c.Kind == diff.Closed && c.StatusAfter == "" {
		parts = append(parts, "not seen")
	}
	for _, ct := range c.Containers {
		switch ct.Change {
		case "new", "gone":
			parts = append(parts, ct.Change+" "+ct.Name)
		default:
			parts = append(parts, fmt.Sprintf("%s %s %s→%s", ct.Name, ct.Change, ptrCount(ct.Before), ptrCount(ct.After)))
		}
	}
	if len(c.NewTypes) > 0 {
		label := "new types: "
		if c.Kind == diff.New {
			label = "types: "
		}
		parts = append(parts, label+strings.Join(c.NewTypes, ","))
	}
	if len(c.GoneTypes) > 0 {
		parts = append(parts, "types gone: "+strings.Join(c.GoneTypes, ","))
	}
	return strings.Join(parts, "; ")
}

func ptrCount(p *int64) string {
	if p == nil {
		return "?"
	}
	return fmt.Sprint(*p)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
