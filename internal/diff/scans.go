package diff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Result compares scan A (before) with scan B (after).
type Result struct {
	ScanA     string           `json:"scan_a"`
	ScanB     string           `json:"scan_b"`
	New       []ExposureChange `json:"new"`
	Closed    []ExposureChange `json:"closed"`
	Changed   []ExposureChange `json:"changed"`
	Unchanged []ExposureChange `json:"unchanged"`
}

// Source is the part of the store a diff reads.
type Source interface {
	ServicesOfScan(ctx context.Context, scanID string) ([]store.ServiceRow, error)
	FinishedScans(ctx context.Context, limit int) ([]string, error)
}

// LastTwo returns the two newest finished scans, older first.
func LastTwo(ctx context.Context, src Source) (string, string, error) {
	ids, err := src.FinishedScans(ctx, 2)
	if err != nil {
		return "", "", err
	}
	if len(ids) < 2 {
		return "", "", errors.New("diff needs two finished scans; name them: leakwatch diff SCAN_A SCAN_B")
	}
	return ids[1], ids[0], nil
}

// Scans compares the exposures (services seen open) of scan a with scan b.
func Scans(ctx context.Context, src Source, a, b string, th Thresholds) (*Result, error) {
	ra, err := src.ServicesOfScan(ctx, a)
	if err != nil {
		return nil, err
	}
	rb, err := src.ServicesOfScan(ctx, b)
	if err != nil {
		return nil, err
	}
	return Events(a, b, events(ra), events(rb), th), nil
}

func events(rows []store.ServiceRow) []*event.Event {
	out := make([]*event.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Event)
	}
	return out
}

// Events compares two scans' events. Only open services are exposures; a
// service open in A and not open in B is closed (B's status says why, or
// is empty when B saw nothing answer there).
func Events(a, b string, before, after []*event.Event, th Thresholds) *Result {
	res := &Result{ScanA: a, ScanB: b}
	openA, openB := openByFingerprint(before), openByFingerprint(after)
	byAddrB := map[string]*event.Event{}
	for _, ev := range after {
		byAddrB[fmt.Sprintf("%s:%d", ev.IP, ev.Port)] = ev
	}
	for fp, cur := range openB {
		prev, ok := openA[fp]
		if !ok {
			c := header(cur)
			c.Fingerprint, c.Kind = fp, New
			c.SeverityAfter, c.DocsAfter = severityOf(cur), documentsOf(cur)
			c.NewTypes = Types(cur)
			res.New = append(res.New, c)
			continue
		}
		c := Compare(prev, cur, th)
		c.Fingerprint = fp
		if c.Kind == Changed {
			res.Changed = append(res.Changed, c)
		} else {
			res.Unchanged = append(res.Unchanged, c)
		}
	}
	for fp, prev := range openA {
		if _, ok := openB[fp]; ok {
			continue
		}
		c := header(prev)
		c.Fingerprint, c.Kind, c.StatusAfter = fp, Closed, ""
		c.SeverityBefore, c.DocsBefore = severityOf(prev), documentsOf(prev)
		if now := byAddrB[fmt.Sprintf("%s:%d", prev.IP, prev.Port)]; now != nil {
			c.StatusAfter = string(now.Status)
		}
		res.Closed = append(res.Closed, c)
	}
	for _, l := range [][]ExposureChange{res.New, res.Closed, res.Changed, res.Unchanged} {
		slices.SortFunc(l, func(x, y ExposureChange) int { return strings.Compare(x.Fingerprint, y.Fingerprint) })
	}
	return res
}

func openByFingerprint(evs []*event.Event) map[string]*event.Event {
	m := map[string]*event.Event{}
	for _, ev := range evs {
		if ev.Status != event.StatusOpen {
			continue
		}
		if fp := store.Fingerprint(ev); fp != "" {
			m[fp] = ev
		}
	}
	return m
}
