package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
	"github.com/leakwatch/leakwatch/internal/scope"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Verdicts of leakwatch verify.
const (
	verdictClosed    = "closed"
	verdictOpen      = "still open"
	verdictPartially = "partially closed"
)

// verifyResult is what verify prints with --json.
type verifyResult struct {
	Target   string       `json:"target"`
	Verdict  string       `json:"verdict"`
	Reason   string       `json:"reason"`
	Previous string       `json:"previous_access,omitempty"` // access level at the last stored sighting
	Event    *event.Event `json:"event,omitempty"`
	ScanID   string       `json:"scan_id,omitempty"`
}

func init() {
	var db string
	var asJSON, noStore bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "verify HOST:PORT",
		Short: "Re-probe one exposure and say whether the fix worked",
		Long: `Re-probe one service and say "closed" (nothing readable without credentials:
the port is closed, refuses, asks for credentials or runs something else),
"partially closed" (names, counts or versions are still readable, or data was
readable before and only metadata is now) or "still open" (data is readable).
The observation is recorded in the store as a one-target scan, so the
exposure's history shows when it closed (--no-store to skip).
Exit code: 0 closed, 1 still open or partially closed, 2 error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st *store.Store
			if !noStore {
				s, err := openStore(cmd, db)
				if err != nil {
					return err
				}
				defer s.Close()
				st = s
			}
			res, err := verify(cmd.Context(), st, args[0], timeout)
			if err != nil {
				return err
			}
			printVerify(cmd.OutOrStdout(), res, asJSON)
			if res.Verdict != verdictClosed {
				return errExposed
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store path (default under the user's data directory)")
	cmd.Flags().BoolVar(&noStore, "no-store", false, "do not read or record anything in the store")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the verdict and the new observation as JSON")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "connect timeout")
	rootCmd.AddCommand(cmd)
}

// verify scans exactly one HOST:PORT with every probe (identification does
// not trust the port number) and grades the outcome against the last stored
// sighting of that address.
func verify(ctx context.Context, st *store.Store, target string, timeout time.Duration) (*verifyResult, error) {
	sc, err := scope.Parse(ctx, []string{target}, nil, scope.Options{})
	if err != nil {
		return nil, err
	}
	if sc.Len() != 1 {
		return nil, fmt.Errorf("verify: give exactly one HOST:PORT (%q is %d address×port pairs)", target, sc.Len())
	}
	var item scope.Item
	for _, it := range sc.Items(0) {
		item = it
	}

	res := &verifyResult{Target: target}
	var prev *store.Exposure
	if st != nil {
		prev, err = lastExposureAt(ctx, st, item.IP, item.Port)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			res.Previous = prev.AccessLevel
		}
	}

	limits := probe.DefaultLimits()
	limits.ConnectTimeout = timeout
	var mu sync.Mutex
	capture := scan.SinkFunc(func(_ context.Context, ev *event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		res.Event = ev
		return nil
	})
	cfg := scan.Config{Items: sc.Items, Total: 1, Probes: all.Probes(), Limits: limits,
		Discover: discover.Config{Timeout: timeout}, Stages: scanStages(), Sinks: []scan.Sink{capture}}
	var rec *store.Scan
	if st != nil {
		raw, _ := json.Marshal(scanArgs{Targets: []string{target}, Timeout: timeout.String(), Sample: limits.Sample})
		if rec, err = st.OpenScan(ctx, store.NewScan{Args: raw, Total: 1}); err != nil {
			return nil, err
		}
		res.ScanID = rec.ID
		cfg.ScanID = rec.ID
		cfg.Sinks = append(cfg.Sinks, scan.StoreSink(st))
	}
	_, runErr := scan.Run(ctx, cfg)
	if rec != nil {
		// Recorded like any scan: the exposure closes if it is no longer open.
		if _, err := finishScan(context.WithoutCancel(ctx), st, rec.ID, sc, false, runErr); err != nil {
			return nil, errors.Join(runErr, err)
		}
	}
	if runErr != nil {
		return nil, runErr
	}
	res.Verdict, res.Reason = grade(res.Event, prev)
	return res, nil
}

// grade turns the new observation (nil: the port did not accept a
// connection) and the previous sighting into a verdict.
func grade(ev *event.Event, prev *store.Exposure) (string, string) {
	switch {
	case ev == nil:
		return verdictClosed, "the port no longer accepts connections"
	case ev.Status == event.StatusAuthRequired:
		return verdictClosed, "the service now asks for credentials"
	case prev != nil && ev.Service != nil && ev.Service.Name != prev.Service:
		if ev.Status == event.StatusOpen {
			return verdictOpen, fmt.Sprintf("another service (%s) now answers there and is readable without credentials", ev.Service.Name)
		}
		return verdictClosed, fmt.Sprintf("another service (%s) now answers there", ev.Service.Name)
	case ev.Status != event.StatusOpen:
		return verdictClosed, fmt.Sprintf("nothing readable without credentials (status %s)", ev.Status)
	case ev.Access.Level == event.AccessData:
		return verdictOpen, "data is readable without credentials: " + ev.Access.Proof
	default:
		reason := "metadata (names, counts, versions) is still readable without credentials"
		if prev != nil && prev.AccessLevel == string(event.AccessData) {
			reason = "data is no longer readable, but " + reason
		}
		return verdictPartially, reason
	}
}

// lastExposureAt returns the most recently seen exposure at ip:port, if any.
func lastExposureAt(ctx context.Context, st *store.Store, ip netip.Addr, port int) (*store.Exposure, error) {
	list, _, err := st.Exposures(ctx, store.ExposureFilter{IP: ip.String()}, store.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	var best *store.Exposure
	for i := range list {
		if list[i].Port == port && (best == nil || list[i].LastSeen.After(best.LastSeen)) {
			best = &list[i]
		}
	}
	return best, nil
}

func printVerify(w io.Writer, r *verifyResult, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(r)
		return
	}
	fmt.Fprintf(w, "%s: %s — %s\n", r.Target, r.Verdict, r.Reason)
	if r.Previous != "" {
		fmt.Fprintf(w, "previously: access %s\n", r.Previous)
	}
}
