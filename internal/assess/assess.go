// Package assess grades an event: how bad the exposure is and why, since
// when it is proven to exist, whether someone already broke in, what an
// attacker could do, and what the owner and the affected people should do.
//
// Everything it knows is in tables: Rules (severity), DataTypes (what each
// classifier type means), RansomNames and SuspiciousSettings (compromise
// signs) and ServiceAdvices (settings per datastore). docs/severity.md
// mirrors them.
package assess

import (
	"context"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// Assess fills ev.Assessment. prev is the previous observation of the same
// exposure (nil if none); firstSeen is when leakwatch first saw it open
// (zero if unknown). Compromise signs found here are also added to
// ev.Indicators, so they are stored with the event. Assess may run again on
// a stored event (without samples): it recomputes everything from scratch.
func Assess(ev *event.Event, prev *event.Event, firstSeen time.Time) {
	compromise := detectCompromise(ev, prev)
	for _, in := range compromise {
		if !hasIndicator(ev.Indicators, in) {
			ev.Indicators = append(ev.Indicators, in)
		}
	}
	facts := gatherFacts(ev, ev.Indicators)

	a := &event.Assessment{Compromise: compromise}
	var grades []graded
	if ev.Status == event.StatusOpen {
		for _, cf := range facts {
			g := gradeContainer(ev, cf)
			grades = append(grades, g)
			a.Containers = append(a.Containers, event.ContainerSeverity{
				Name: cf.Key, Kind: cf.Kind, Severity: g.grade, Reasons: g.reasons, Records: sensitiveRecords(cf)})
			a.AffectedRecords += affected(cf)
		}
	}
	a.Severity, a.Reasons = gradeService(ev, grades, ev.Indicators)
	a.ExposedSince = exposedSince(ev, prev, firstSeen, facts)
	advise(ev, a, facts, compromise)
	ev.Assessment = a
}

// Stage is the assessment step of the scan pipeline, which has no history:
// the exposure is proven since this scan, and wipes cannot be seen.
func Stage() func(context.Context, *event.Event) {
	return func(_ context.Context, ev *event.Event) {
		Assess(ev, nil, time.Time{})
	}
}

// sensitiveRecords is the largest records estimate of any graded type.
func sensitiveRecords(cf *containerFacts) int64 {
	var n int64
	for _, t := range cf.Types {
		if t.Type.Category >= CategoryContact {
			n = max(n, t.Records)
		}
	}
	return n
}

// affected counts a container's records with sensitive data (contact data
// or heavier); containers without them add nothing.
func affected(cf *containerFacts) int64 { return sensitiveRecords(cf) }

func hasIndicator(list []event.Indicator, in event.Indicator) bool {
	for _, v := range list {
		if v.Kind == in.Kind && v.Container == in.Container && (in.Container != "" || v.Detail == in.Detail) {
			return true
		}
	}
	return false
}
