package watch

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/scan"
	"github.com/leakwatch/leakwatch/internal/scope"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Scanner runs one group's scan through internal/scan the way `leakwatch
// scan` does (cmd/leakwatch/scan.go): same scope parsing, same stored
// arguments (so `leakwatch scan --resume` can finish an interrupted one),
// same sinks and the same closing of exposures the scan covered.
type Scanner struct {
	Store  *store.Store
	Probes []probe.Probe // every registered probe; a group may pick some by name
	Stages []scan.Stage  // the CLI's scan stages (classify, assess)
}

// ScanResult is how a group's scan ended.
type ScanResult struct {
	ScanID string
	Status string // store.ScanDone, ScanInterrupted, ScanFailed
	Stats  scan.Stats
}

// storedArgs are the settings stored with a group's scan, as the CLI stores them.
type storedArgs = scan.Args

// Scan scans the group and records it. started is called with the scan's
// ID as soon as the scan is recorded. The scan runs until it is done or ctx
// ends (then it is recorded as interrupted).
func (s *Scanner) Scan(ctx context.Context, g Group, started func(scanID string)) (ScanResult, error) {
	probes, err := s.pick(g.Probes)
	if err != nil {
		return ScanResult{}, err
	}
	ports, err := g.PortList()
	if err != nil {
		return ScanResult{}, err
	}
	args := storedArgs{Targets: g.Targets, Excludes: g.Excludes, Ports: ports, Probes: g.Probes,
		Rate: orDefault(g.Rate, 10000), Concurrency: orDefault(g.Concurrency, 1024), PerHost: orDefault(g.PerHost, 32),
		Timeout: "2s", Sample: probe.DefaultLimits().Sample, Seed: seed(), Watch: g.Name}
	if g.Timeout != "" {
		args.Timeout = g.Timeout
	}
	if g.Sample != nil {
		args.Sample = *g.Sample
	}
	timeout, err := time.ParseDuration(args.Timeout)
	if err != nil {
		return ScanResult{}, err
	}
	if len(ports) == 0 {
		ports = probe.DefaultPorts(probes)
	}
	sc, err := scope.Parse(ctx, args.Targets, args.Excludes, scope.Options{DefaultPorts: ports, Seed: args.Seed})
	if err != nil {
		return ScanResult{}, err
	}
	raw, _ := json.Marshal(args)
	rec, err := s.Store.OpenScan(ctx, store.NewScan{Args: raw, Total: sc.Len()})
	if err != nil {
		return ScanResult{}, err
	}
	if started != nil {
		started(rec.ID)
	}
	limits := probe.DefaultLimits()
	limits.ConnectTimeout, limits.Sample = timeout, args.Sample
	id := rec.ID
	cfg := scan.Config{
		ScanID: id, Items: sc.Items, Total: sc.Len(),
		Discover: discover.Config{Rate: args.Rate, Concurrency: args.Concurrency, PerHost: args.PerHost, Timeout: timeout},
		Probes:   probes, Limits: limits, Stages: s.Stages,
		Sinks:      []scan.Sink{scan.StoreSink(s.Store)},
		Checkpoint: func(ctx context.Context, idx uint64) error { return s.Store.Checkpoint(ctx, id, idx) },
	}
	stats, runErr := scan.Run(ctx, cfg)
	res := ScanResult{ScanID: id, Stats: stats, Status: store.ScanDone}
	fin := store.Finish{Status: store.ScanDone}
	bg := context.WithoutCancel(ctx)
	switch {
	case runErr != nil && ctx.Err() != nil:
		fin.Status = store.ScanInterrupted
	case runErr != nil:
		fin.Status, fin.Error = store.ScanFailed, runErr.Error()
	default:
		if fin.Covers, err = s.Store.CoveredBy(bg, sc); err != nil {
			return res, err
		}
	}
	res.Status = fin.Status
	if err := s.Store.FinishScan(bg, id, fin); err != nil {
		return res, errors.Join(runErr, err)
	}
	if fin.Status == store.ScanFailed {
		return res, runErr
	}
	return res, nil
}

func orDefault(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

func seed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (s *Scanner) pick(names []string) ([]probe.Probe, error) {
	if len(names) == 0 {
		return s.Probes, nil
	}
	var out []probe.Probe
	for _, n := range names {
		i := slices.IndexFunc(s.Probes, func(p probe.Probe) bool { return p.Name() == n })
		if i < 0 {
			var known []string
			for _, p := range s.Probes {
				known = append(known, p.Name())
			}
			return nil, fmt.Errorf("unknown probe %q (known: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, s.Probes[i])
	}
	return out, nil
}
