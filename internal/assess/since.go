package assess

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// How "exposed since" is decided (docs/severity.md, "Exposed since"):
//
// The claim is "readable without credentials since at least T", so T must be
// a moment at which the exposure is PROVEN to have existed. Only three kinds
// of evidence prove that:
//   - leakwatch saw it open (first seen, a previous observation, this scan);
//   - a ransom note's own creation time: an outsider wrote it without
//     credentials, so the service was open then.
// The earliest of these is reported.
//
// Other dates are only hints and are listed as such, never as the answer:
//   - a container's creation time (ES creation_date, MySQL CREATE_TIME) or its
//     oldest record says when the DATA appeared: that data was readable AT
//     MOST since then, and only if the service was reachable all along;
//   - the server's uptime says when the PROCESS started: the firewall or
//     the bind address may have changed since, and an older process may
//     have been just as open.

// plausibleFrom rejects dates before any of these datastores existed
// (zeroed clocks, epoch defaults).
var plausibleFrom = time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC)

// clockSkew tolerates servers whose clocks run a little ahead.
const clockSkew = 24 * time.Hour

// CreatedSource names the creation date of a container per service, as the
// owner will find it in their own tools.
var CreatedSource = map[string]string{
	"elasticsearch": "index creation_date",
	"opensearch":    "index creation_date",
	"zincsearch":    "index creation time",
	"mysql":         "table CREATE_TIME",
	"mariadb":       "table CREATE_TIME",
	"s3":            "bucket CreationDate",
}

// OldestSource names where Container.Oldest comes from, per service.
var OldestSource = map[string]string{
	"mongodb": "oldest ObjectId",
}

func exposedSince(ev, prev *event.Event, firstSeen time.Time, facts []*containerFacts) *event.ExposedSince {
	if ev.Status != event.StatusOpen {
		return nil
	}
	now := observed(ev)
	best := &event.ExposedSince{Time: now, Source: "this scan",
		Evidence: "leakwatch found it open without credentials on " + day(now)}
	consider := func(t time.Time, source, evidence string) {
		if plausible(t, now) && t.Before(best.Time) {
			best.Time, best.Source, best.Evidence = t.UTC(), source, evidence
		}
	}
	if !firstSeen.IsZero() {
		consider(firstSeen, "first seen",
			"leakwatch first found it readable without credentials on "+day(firstSeen))
	}
	if prev != nil && prev.Status == event.StatusOpen && !prev.Time.IsZero() {
		consider(prev.Time, "previous observation",
			"leakwatch found it readable without credentials on "+day(prev.Time))
	}
	for _, cf := range facts {
		if _, note := cf.Indicator["ransom-note"]; !note || cf.Container == nil {
			continue
		}
		c := cf.Container
		if c.Created != nil {
			consider(*c.Created, "ransom note created", fmt.Sprintf(
				"the ransom note %s was created on %s (%s): an outsider wrote it without credentials",
				subjectOf(cf), day(*c.Created), createdSource(ev)))
		}
		if c.Oldest != nil {
			consider(*c.Oldest, "ransom note created", fmt.Sprintf(
				"the oldest record of the ransom note %s dates from %s: an outsider wrote it without credentials",
				subjectOf(cf), day(*c.Oldest)))
		}
	}
	best.Hints = timeHints(ev, facts, best.Time, now)
	return best
}

// timeHints lists the dates older than the proven bound, earliest per kind.
func timeHints(ev *event.Event, facts []*containerFacts, bound, now time.Time) []event.TimeHint {
	var hints []event.TimeHint
	if up, ok := uptime(ev); ok {
		start := now.Add(-up)
		if plausible(start, now) && start.Before(bound) {
			hints = append(hints, event.TimeHint{Time: start.UTC().Truncate(time.Second), Source: "server uptime",
				Evidence: fmt.Sprintf("the server process has run since %s (up %s); it was exposed that long only if it was reachable all along", day(start), humanDuration(up))})
		}
	}
	var created, oldest *containerFacts
	for _, cf := range facts {
		c := cf.Container
		if c == nil || cf.Indicator["ransom-note"].Kind != "" {
			continue
		}
		if c.Created != nil && plausible(*c.Created, now) && (created == nil || c.Created.Before(*created.Container.Created)) {
			created = cf
		}
		if c.Oldest != nil && plausible(*c.Oldest, now) && (oldest == nil || c.Oldest.Before(*oldest.Container.Oldest)) {
			oldest = cf
		}
	}
	if created != nil && created.Container.Created.Before(bound) {
		t := *created.Container.Created
		hints = append(hints, event.TimeHint{Time: t.UTC(), Source: createdSource(ev),
			Evidence: fmt.Sprintf("%s was created on %s: its data has been readable at most since then", subjectOf(created), day(t))})
	}
	if oldest != nil && oldest.Container.Oldest.Before(bound) {
		t := *oldest.Container.Oldest
		source := "oldest record"
		if ev.Service != nil && OldestSource[ev.Service.Name] != "" {
			source = OldestSource[ev.Service.Name]
		}
		hints = append(hints, event.TimeHint{Time: t.UTC(), Source: source,
			Evidence: fmt.Sprintf("the oldest record in %s dates from %s: the data is that old, its exposure may be younger", subjectOf(oldest), day(t))})
	}
	sortHints(hints)
	return hints
}

func sortHints(h []event.TimeHint) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].Time.Before(h[j-1].Time); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// uptime reads Service.Info["uptime_seconds"] (integer or decimal seconds).
func uptime(ev *event.Event) (time.Duration, bool) {
	if ev.Service == nil {
		return 0, false
	}
	s, ok := ev.Service.Info["uptime_seconds"]
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	// Reject negative, NaN and more than 100 years: a hostile server can say anything.
	if err != nil || math.IsNaN(f) || f <= 0 || f > 100*365*24*3600 {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

func createdSource(ev *event.Event) string {
	if ev.Service != nil {
		if s, ok := CreatedSource[ev.Service.Name]; ok {
			return s
		}
	}
	return "creation time"
}

// observed is when the event was seen (its own time, or now).
func observed(ev *event.Event) time.Time {
	if ev.Time.IsZero() {
		return time.Now().UTC()
	}
	return ev.Time.UTC()
}

func plausible(t, now time.Time) bool {
	return !t.IsZero() && !t.Before(plausibleFrom) && !t.After(now.Add(clockSkew))
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func humanDuration(d time.Duration) string {
	switch days := int64(d / (24 * time.Hour)); {
	case days >= 2:
		return formatCount(days) + " days"
	case d >= 2*time.Hour:
		return strconv.FormatInt(int64(d/time.Hour), 10) + " hours"
	default:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " minutes"
	}
}
