// Package alert decides what is worth telling someone when a scan finishes:
// each exposure the scan touched is compared with its previous observation
// (internal/store's exposure_observations), and every change that matters
// becomes a store.Alert with a stable dedupe key, so the same event is never
// alerted (and sent) twice, even when the computation is repeated.
package alert

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/diff"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Alert kinds (the triggers).
const (
	Opened         = "opened"          // an exposure appeared (or came back)
	Closed         = "closed"          // an open exposure is gone
	SeverityRaised = "severity-raised" // graded worse than last time
	NewDataType    = "new-data-type"   // a sensitive data type not seen there before
	Wiped          = "wiped"           // the data volume dropped sharply
	RansomNote     = "ransom-note"     // a ransom-note container appeared
)

// Kinds lists every trigger.
var Kinds = []string{Opened, Closed, SeverityRaised, NewDataType, Wiped, RansomNote}

// Options tune the triggers.
type Options struct {
	// WipeMinDocuments: a drop only counts as a wipe when there were at
	// least this many documents before (0: 100).
	WipeMinDocuments int64
	// WipeRemain: at most this share of the documents is left (0: 0.1).
	WipeRemain float64
}

func (o Options) withDefaults() Options {
	if o.WipeMinDocuments <= 0 {
		o.WipeMinDocuments = 100
	}
	if o.WipeRemain <= 0 {
		o.WipeRemain = 0.1
	}
	return o
}

// Source is the part of the store the computation reads.
type Source interface {
	ScanObservations(ctx context.Context, scanID string) ([]store.Observation, error)
	PreviousObservation(ctx context.Context, fingerprint, scanID string) (*store.Observation, error)
	ServiceEvent(ctx context.Context, serviceID int64) (*event.Event, error)
	GetExposure(ctx context.Context, fingerprint string) (*store.Exposure, error)
}

// Compute returns a finished scan's observations and the alerts they raise.
// It only reads; store.RecordAlerts writes both in one transaction.
func Compute(ctx context.Context, src Source, scanID string, opts Options) ([]store.Observation, []store.Alert, error) {
	opts = opts.withDefaults()
	obs, err := src.ScanObservations(ctx, scanID)
	if err != nil {
		return nil, nil, err
	}
	var alerts []store.Alert
	for _, o := range obs {
		as, err := forObservation(ctx, src, o, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("alert: %s: %w", o.Fingerprint, err)
		}
		alerts = append(alerts, as...)
	}
	return obs, alerts, nil
}

func forObservation(ctx context.Context, src Source, o store.Observation, opts Options) ([]store.Alert, error) {
	exp, err := src.GetExposure(ctx, o.Fingerprint)
	if err != nil {
		return nil, err
	}
	prev, err := src.PreviousObservation(ctx, o.Fingerprint, o.ScanID)
	if err != nil {
		return nil, err
	}
	base := store.Alert{ScanID: o.ScanID, Fingerprint: o.Fingerprint, IP: exp.IP, Port: exp.Port, Host: exp.Host,
		Service: exp.Service}
	if prev != nil {
		base.PrevScanID = prev.ScanID
	}
	mk := func(kind, container string, sev event.Severity, title, detail string) store.Alert {
		a := base
		a.Kind, a.Container, a.Severity, a.Title, a.Detail = kind, container, string(sev), title, detail
		a.DedupeKey = strings.Join([]string{kind, o.Fingerprint, container, o.ScanID}, "|")
		return a
	}
	where := fmt.Sprintf("%s on %s:%d", exp.Service, exp.IP, exp.Port)

	if !o.Open {
		if prev == nil || !prev.Open {
			return nil, nil
		}
		return []store.Alert{mk(Closed, "", event.Severity(prev.Severity), "closed: "+where+" is no longer readable",
			fmt.Sprintf("last seen open in scan %s with %d documents in %d containers; now %s", prev.ScanID,
				prev.Documents, prev.Containers, exp.Status))}, nil
	}

	cur, err := src.ServiceEvent(ctx, o.ServiceID)
	if err != nil {
		return nil, err
	}
	var prevEv *event.Event
	if prev != nil && prev.Open && prev.ServiceID != 0 {
		if prevEv, err = src.ServiceEvent(ctx, prev.ServiceID); err != nil {
			return nil, err
		}
	}
	// Events recorded without an assessment (no assess stage) are graded
	// here, without history, the way the stage would have: severities
	// compare like with like.
	if prevEv != nil && prevEv.Assessment == nil {
		assess.Assess(prevEv, nil, exp.FirstSeen)
	}
	if cur.Assessment == nil {
		assess.Assess(cur, nil, exp.FirstSeen)
	}
	sev := cur.Assessment.Severity
	// Compromise signs need the history the scan stage did not have (a
	// wipe is a comparison): assess a copy with the previous observation.
	withHistory := *cur
	withHistory.Indicators = slices.Clone(cur.Indicators)
	assess.Assess(&withHistory, prevEv, exp.FirstSeen)
	signs := withHistory.Indicators

	var out []store.Alert
	if prevEv == nil {
		out = append(out, mk(Opened, "", sev, "opened: "+where+" is readable without credentials", openedDetail(cur)))
	} else {
		ch := diff.Compare(prevEv, cur, diff.DefaultThresholds)
		if ch.SeverityRaised() {
			out = append(out, mk(SeverityRaised, "", sev, fmt.Sprintf("severity raised: %s is now %s (was %s)",
				where, ch.SeverityAfter, ch.SeverityBefore), strings.Join(cur.Assessment.Reasons, "; ")))
		}
		if len(ch.NewTypes) > 0 {
			out = append(out, newTypeAlerts(cur, ch.NewTypes, where, sev, mk)...)
		}
		if a, ok := wipe(prevEv, cur, signs, where, opts, mk); ok {
			out = append(out, a)
		}
	}
	out = append(out, ransomAlerts(prevEv, signs, where, mk)...)
	return out, nil
}

func openedDetail(ev *event.Event) string {
	var parts []string
	if ev.Access.Proof != "" {
		parts = append(parts, "proof: "+ev.Access.Proof)
	}
	if ev.Dataset != nil {
		parts = append(parts, fmt.Sprintf("%d containers, %d documents", ev.Dataset.Totals.Containers, ev.Dataset.Totals.Documents))
	}
	if ts := diff.Types(ev); len(ts) > 0 {
		parts = append(parts, "data types: "+strings.Join(ts, ", "))
	}
	return strings.Join(parts, "; ")
}

type makeFunc func(kind, container string, sev event.Severity, title, detail string) store.Alert

// newTypeAlerts raises one alert per container holding a type the exposure
// never showed before (so a suppression of one container silences its own).
func newTypeAlerts(cur *event.Event, types []string, where string, sev event.Severity, mk makeFunc) []store.Alert {
	byContainer := map[string][]string{}
	for _, f := range cur.Findings {
		if slices.Contains(types, f.Type) && !slices.Contains(byContainer[f.Container], f.Type) {
			byContainer[f.Container] = append(byContainer[f.Container], f.Type)
		}
	}
	names := make([]string, 0, len(byContainer))
	for n := range byContainer {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []store.Alert
	for _, n := range names {
		ts := byContainer[n]
		slices.Sort(ts)
		out = append(out, mk(NewDataType, n, sev, fmt.Sprintf("new sensitive data: %s in %s on %s",
			strings.Join(ts, ", "), n, where), "types not seen on this exposure before: "+strings.Join(ts, ", ")))
	}
	return out
}

// wipe: assess saw a "wiped" sign, or the documents dropped to at most
// opts.WipeRemain of at least opts.WipeMinDocuments.
func wipe(prev, cur *event.Event, signs []event.Indicator, where string, opts Options, mk makeFunc) (store.Alert, bool) {
	before, after := docs(prev), docs(cur)
	sign := false
	for _, in := range signs {
		sign = sign || in.Kind == "wiped"
	}
	dropped := before >= opts.WipeMinDocuments && float64(after) <= float64(before)*opts.WipeRemain
	if !sign && !dropped {
		return store.Alert{}, false
	}
	return mk(Wiped, "", event.SeverityCritical, fmt.Sprintf("data wiped? %s dropped from %d to %d documents", where, before, after),
		"a sharp drop in stored data often means someone deleted it (and may hold it for ransom)"), true
}

func docs(ev *event.Event) int64 {
	if ev == nil || ev.Dataset == nil {
		return 0
	}
	return ev.Dataset.Totals.Documents
}

// ransomAlerts raises one alert per ransom-note container not there before.
func ransomAlerts(prev *event.Event, signs []event.Indicator, where string, mk makeFunc) []store.Alert {
	had := map[string]bool{}
	if prev != nil {
		for _, in := range prev.Indicators {
			if in.Kind == "ransom-note" {
				had[in.Container] = true
			}
		}
	}
	var out []store.Alert
	seen := map[string]bool{}
	for _, in := range signs {
		if in.Kind != "ransom-note" || had[in.Container] || seen[in.Container] {
			continue
		}
		seen[in.Container] = true
		out = append(out, mk(RansomNote, in.Container, event.SeverityCritical,
			fmt.Sprintf("ransom note: %q appeared on %s", in.Container, where), in.Detail))
	}
	return out
}

// Passes reports whether an alert of severity sev reaches a channel whose
// minimum is min ("" = everything). Closed alerts carry the severity the
// exposure had, so a channel for critical exposures hears they are gone.
func Passes(sev, min string) bool {
	if min == "" {
		return true
	}
	return event.Severity(sev).Rank() >= event.Severity(min).Rank()
}
