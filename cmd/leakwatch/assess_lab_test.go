package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
)

// The assessment as a user sees it, from real lab servers through the whole
// pipeline (probe → classify → assess → JSON): the config index with keys is
// critical with reasons naming the types, the SMS log is high, the ransom
// note is flagged with its evidence redacted, and exposed-since names the
// index creation date and the oldest ObjectId.
func TestAssessmentOnLabServers(t *testing.T) {
	es := labtest.Get(t, "OPENSEARCH_OPEN")
	mongo := labtest.Get(t, "MONGO_OPEN")
	oldest, err := strconv.ParseInt(labtest.Get(t, "MONGO_MESSAGES_OLDEST"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "scan", es, mongo, "--no-store", "--json", "--quiet")
	if code != exitExposed {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	byAddr := map[string]event.Event{}
	for _, ev := range events(t, out) {
		byAddr[ev.IP+":"+strconv.Itoa(ev.Port)] = ev
	}

	ev, ok := byAddr[es]
	if !ok || ev.Assessment == nil {
		t.Fatalf("no assessed event for %s", es)
	}
	grades := map[string]event.ContainerSeverity{}
	for _, c := range ev.Assessment.Containers {
		grades[c.Name] = c
	}
	cfg := grades["config"]
	if cfg.Severity != event.SeverityCritical || !strings.Contains(strings.Join(cfg.Reasons, " "), "passwords") ||
		!strings.Contains(strings.Join(cfg.Reasons, " "), "AWS access keys") {
		t.Errorf("config index: %s %q, want critical naming passwords and AWS access keys", cfg.Severity, cfg.Reasons)
	}
	if sms := grades["sms-logs-2024.01"]; sms.Severity != event.SeverityHigh {
		t.Errorf("SMS log index: %s %q, want high", sms.Severity, sms.Reasons)
	}
	if ev.Assessment.Severity != event.SeverityCritical {
		t.Errorf("service severity %s, want critical", ev.Assessment.Severity)
	}
	var ransom *event.Indicator
	for i, ind := range ev.Indicators {
		if ind.Kind == "ransom-note" && ind.Container == "read_me" {
			ransom = &ev.Indicators[i]
		}
	}
	if ransom == nil {
		t.Fatalf("ransom note not flagged: %+v", ev.Indicators)
	}
	if !strings.Contains(ransom.Detail, "bitcoin") || !strings.Contains(ransom.Detail, "…") {
		t.Errorf("ransom note evidence should name the bitcoin address, redacted: %q", ransom.Detail)
	}
	if es := ev.Assessment.ExposedSince; es == nil || !mentions(es, "creation_date") {
		t.Errorf("exposed-since does not name an index creation date: %+v", es)
	}

	mev, ok := byAddr[mongo]
	if !ok || mev.Assessment == nil || mev.Assessment.ExposedSince == nil {
		t.Fatalf("no exposed-since for %s", mongo)
	}
	found := false
	for _, h := range mev.Assessment.ExposedSince.Hints {
		if h.Source == "oldest ObjectId" && h.Time.Equal(time.Unix(oldest, 0)) {
			found = true
		}
	}
	if !found {
		t.Errorf("exposed-since hints do not name the oldest ObjectId (%s): %+v",
			time.Unix(oldest, 0).UTC(), mev.Assessment.ExposedSince)
	}
}

func mentions(es *event.ExposedSince, s string) bool {
	if strings.Contains(es.Source+es.Evidence, s) {
		return true
	}
	for _, h := range es.Hints {
		if strings.Contains(h.Source+h.Evidence, s) {
			return true
		}
	}
	return false
}
