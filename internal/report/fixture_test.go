package report

import (
	"time"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/event"
)

// sampleMarker is planted in every raw sample: it must never reach a report.
const sampleMarker = "RAW-SAMPLE-MARKER-7f3a"

const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(2)>`
	mdBreaker = "a|b`c`**d**[x](javascript:alert(3))\n| injected | row |"
)

var (
	generated = time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC)
	observed  = time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	firstSeen = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
)

func at(t time.Time) *time.Time { return &t }

func sample(s string) []event.Sample {
	return []event.Sample{{Key: "1", Format: "json", Data: []byte(`{"body":"` + sampleMarker + " " + s + `"}`)}}
}

// fixtureEvent is an open Elasticsearch with a config index holding keys, an
// SMS log index, and hostile index names.
func fixtureEvent() *event.Event {
	ev := event.New("198.51.100.23:9200", "198.51.100.23", 9200)
	ev.Time = observed
	ev.ScanID = "scan-42"
	ev.Service = &event.Service{Name: "elasticsearch", Product: "Elasticsearch", Version: "7.10.2",
		Info: map[string]string{"cluster_name": "prod-search", "uptime_seconds": "8640000"}}
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: event.AccessData,
		Proof: "GET /_cat/indices listed 4 indices; _search returned documents from sms-logs-2026.11"}
	ev.Dataset = &event.Dataset{Containers: []event.Container{
		{Kind: "index", Name: "app-config", Documents: event.Int64(12), Bytes: event.Int64(48_213),
			Created: at(time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)), Sampled: 12,
			Fields: []string{"db_password", "aws_key"}, Samples: sample("password=hunter2")},
		{Kind: "index", Name: "sms-logs-2026.11", Documents: event.Int64(184_220), Bytes: event.Int64(96_400_000),
			Created: at(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), Sampled: 50,
			Fields: []string{"to", "body"}, Samples: sample("+15550100 your code is 1234")},
		{Kind: "index", Name: xssScript, Documents: event.Int64(3), Sampled: 3, Samples: sample("x")},
		{Kind: "index", Name: xssAttr, Documents: event.Int64(2), Sampled: 2, Samples: sample("y")},
		{Kind: "index", Name: mdBreaker, Documents: event.Int64(1), Sampled: 1, Samples: sample("z")},
	}}
	ev.Dataset.ComputeTotals()
	ev.Findings = []event.Finding{
		{Container: "app-config", Field: "db_password", Type: "password", Rule: "kv-password", Confidence: "high",
			Count: 4, Documents: 4, Examples: []string{"hu*****2"}},
		{Container: "app-config", Field: "aws_key", Type: "aws_access_key_id", Rule: "aws-akid", Confidence: "high",
			Count: 1, Documents: 1, Examples: []string{"AKIA************MPLE"}},
		{Container: "sms-logs-2026.11", Field: "to", Type: "phone", Rule: "e164", Confidence: "high",
			Count: 50, Documents: 50, Examples: []string{"+1555*****00"}},
		{Container: "sms-logs-2026.11", Field: "body", Type: "message_content", Rule: "sms-body", Confidence: "medium",
			Count: 50, Documents: 50, Examples: []string{"your code is ****"}},
		{Container: xssScript, Field: xssAttr, Type: "email", Rule: "email", Confidence: "high",
			Count: 1, Documents: 1, Examples: []string{xssScript}},
	}
	return ev
}

func fixtureReport() Report {
	ev := fixtureEvent()
	assess.Assess(ev, nil, firstSeen)
	closed := event.New("198.51.100.24:6379", "198.51.100.24", 6379)
	closed.Time = observed
	closed.Service = &event.Service{Name: "redis", Product: "Redis", Version: "7.0.15"}
	closed.Status = event.StatusAuthRequired
	return Report{
		Title: "Exposed datastores at Example Corp", Generated: generated, Tool: "leakwatch v0.1.0",
		ScanID: "scan-42", Scope: "198.51.100.0/24", Reporter: "security@reporter.example",
		Exposures: []Exposure{
			{Event: closed}, // not assessed yet: Render assesses a copy
			{Event: ev, FirstSeen: firstSeen, LastSeen: observed, Observations: 3},
		},
	}
}
