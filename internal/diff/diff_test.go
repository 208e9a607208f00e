package diff

import (
	"slices"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
)

func ev(ip string, status event.Status, sev event.Severity, containers map[string]int64, types ...string) *event.Event {
	e := event.New(ip, ip, 9200)
	e.Service = &event.Service{Name: "elasticsearch"}
	e.Status = status
	e.Dataset = &event.Dataset{}
	names := make([]string, 0, len(containers))
	for n := range containers {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		e.Dataset.Containers = append(e.Dataset.Containers, event.Container{Kind: "index", Name: n, Documents: event.Int64(containers[n])})
	}
	e.Dataset.ComputeTotals()
	for _, t := range types {
		e.Findings = append(e.Findings, event.Finding{Container: names[0], Type: t})
	}
	if sev != "" {
		e.Assessment = &event.Assessment{Severity: sev}
	}
	return e
}

func TestCompareThresholds(t *testing.T) {
	prev := ev("127.77.46.70", event.StatusOpen, event.SeverityMedium, map[string]int64{"logs": 1000, "users": 100, "old": 5, "tiny": 10})
	cur := ev("127.77.46.70", event.StatusOpen, event.SeverityMedium, map[string]int64{"logs": 1150, "users": 10, "new": 1, "tiny": 30})
	c := Compare(prev, cur, DefaultThresholds)
	got := map[string]string{}
	for _, ch := range c.Containers {
		got[ch.Name] = ch.Change
	}
	// logs +15 % (below 20 %), users −90 %, tiny +20 docs (+200 %), old gone, new new.
	want := map[string]string{"users": "down", "tiny": "up", "old": "gone", "new": "new"}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if c.Kind != Changed {
		t.Errorf("kind %s", c.Kind)
	}
	// MinDelta: a +5 document change of a 5-document index stays quiet.
	small := Compare(ev("a", event.StatusOpen, "", map[string]int64{"x": 5}), ev("a", event.StatusOpen, "", map[string]int64{"x": 10}), DefaultThresholds)
	if small.Kind != Unchanged {
		t.Errorf("small change reported: %+v", small)
	}
}

func TestCompareTypesAndSeverity(t *testing.T) {
	prev := ev("a", event.StatusOpen, event.SeverityLow, map[string]int64{"x": 5}, "email")
	cur := ev("a", event.StatusOpen, event.SeverityHigh, map[string]int64{"x": 5}, "email", "password")
	c := Compare(prev, cur, DefaultThresholds)
	if !slices.Equal(c.NewTypes, []string{"password"}) || !c.SeverityRaised() || c.Kind != Changed {
		t.Errorf("%+v", c)
	}
	back := Compare(cur, prev, DefaultThresholds)
	if !slices.Equal(back.GoneTypes, []string{"password"}) || back.SeverityRaised() {
		t.Errorf("%+v", back)
	}
}

func TestEvents(t *testing.T) {
	a := []*event.Event{
		ev("127.77.46.71", event.StatusOpen, "", map[string]int64{"x": 1}),
		ev("127.77.46.72", event.StatusOpen, "", map[string]int64{"x": 1}),
		ev("127.77.46.73", event.StatusOpen, "", map[string]int64{"x": 1}),
	}
	b := []*event.Event{
		ev("127.77.46.71", event.StatusOpen, "", map[string]int64{"x": 1}),
		ev("127.77.46.72", event.StatusAuthRequired, "", nil),
		ev("127.77.46.74", event.StatusOpen, "", map[string]int64{"x": 1}, "phone"),
		ev("127.77.46.75", event.StatusNotIdentified, "", nil),
	}
	b[3].Service = nil
	r := Events("A", "B", a, b, DefaultThresholds)
	if len(r.Unchanged) != 1 || len(r.New) != 1 || len(r.Closed) != 2 || len(r.Changed) != 0 {
		t.Fatalf("%+v", r)
	}
	if r.Closed[0].StatusAfter != "auth-required" || r.Closed[1].StatusAfter != "" {
		t.Errorf("closed: %+v", r.Closed)
	}
	if !slices.Equal(r.New[0].NewTypes, []string{"phone"}) {
		t.Errorf("new: %+v", r.New[0])
	}
}
