package docs

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

func fullEvent() *event.Event {
	now := time.Now().UTC()
	ev := event.New("db.example.test", "127.77.1.1", 6379)
	ev.ScanID, ev.Host, ev.Status = "20261204-051735-3f9a", "db.example.test", event.StatusOpen
	ev.Service = &event.Service{Name: "redis", Product: "Redis", Version: "7.0.15", Info: map[string]string{"mode": "standalone"}}
	ev.Access = event.Access{Anonymous: true, Level: event.AccessData, Proof: "GET sms:1 returned 212 bytes"}
	ev.Dataset = &event.Dataset{Containers: []event.Container{{Kind: "database", Name: "db0", Parent: "", Documents: event.Int64(1000),
		Bytes: event.Int64(1 << 20), Created: &now, Oldest: &now, Fields: []string{"body"}, Sampled: 10,
		Samples: []event.Sample{{Key: "k", Format: "text", Data: []byte("raw")}}}}, Truncated: true}
	ev.Dataset.ComputeTotals()
	ev.Findings = []event.Finding{{Container: "db0", Field: "body", Type: "phone", Rule: "phone-e164", Confidence: "high",
		Count: 3, Documents: 2, Examples: []string{"+1555***1111"}}}
	ev.Indicators = []event.Indicator{{Kind: "ransom-note", Container: "README", Detail: "bitcoin address"}}
	ev.Assessment = &event.Assessment{Severity: event.SeverityHigh, Reasons: []string{"PII"},
		Containers:   []event.ContainerSeverity{{Name: "db0", Severity: event.SeverityHigh, Reasons: []string{"phones"}}},
		ExposedSince: &event.ExposedSince{Time: now, Source: "first seen", Evidence: "scan x"},
		Compromise:   []event.Indicator{{Kind: "ransom-note", Detail: "d"}},
		Impact:       []string{"i"}, Remediation: []string{"r"}, UserAdvice: []string{"u"}}
	ev.Errors = []string{"inventory stopped at 1000 containers"}
	ev.DurationMS = 12
	return ev
}

func TestValidEvents(t *testing.T) {
	minimal := event.New("127.77.42.1", "127.77.42.1", 4242)
	minimal.Status = event.StatusNotIdentified
	for name, ev := range map[string]*event.Event{"full": fullEvent(), "minimal": minimal} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateEvent(b); err != nil {
			t.Errorf("%s: %v\n%s", name, err, b)
		}
		if strings.Contains(string(b), `"raw"`) || strings.Contains(string(b), "samples") {
			t.Errorf("%s: samples serialised: %s", name, b)
		}
	}
}

func TestInvalidEventsAreRejected(t *testing.T) {
	good, _ := json.Marshal(fullEvent())
	cases := map[string]func(m map[string]any){
		"unknown status":    func(m map[string]any) { m["status"] = "wide-open" },
		"port out of range": func(m map[string]any) { m["port"] = 70000 },
		"bad ip":            func(m map[string]any) { m["ip"] = "db01.corp.internal" },
		"bad time":          func(m map[string]any) { m["time"] = "yesterday" },
		"unknown field":     func(m map[string]any) { m["password"] = "s3cret" },
		"samples leaked": func(m map[string]any) {
			m["dataset"].(map[string]any)["containers"].([]any)[0].(map[string]any)["samples"] = []any{"x"}
		},
		"missing access":     func(m map[string]any) { delete(m, "access") },
		"wrong schema":       func(m map[string]any) { m["schema"] = "leakwatch.event/0" },
		"bad severity":       func(m map[string]any) { m["assessment"].(map[string]any)["severity"] = "meh" },
		"service without id": func(m map[string]any) { m["service"] = map[string]any{"product": "Redis"} },
	}
	for name, mutate := range cases {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
		b, _ := json.Marshal(m)
		if err := ValidateEvent(b); err == nil {
			t.Errorf("%s: accepted %s", name, b)
		}
	}
	if err := ValidateEvent([]byte("{")); err == nil {
		t.Error("truncated JSON accepted")
	}
	if err := ValidateEvents(append(append(good, '\n'), []byte(`{"schema":"x"}`)...)); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("JSON Lines error should name line 2: %v", err)
	}
}

// TestSchemaCoversEveryField walks internal/event's structs and checks that
// every JSON field has a property in the schema, so a field added to the Go
// struct without documentation fails here.
func TestSchemaCoversEveryField(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(EventSchema, &schema); err != nil {
		t.Fatal(err)
	}
	defs := schema["$defs"].(map[string]any)
	checks := []struct {
		typ   reflect.Type
		props map[string]any
	}{
		{reflect.TypeFor[event.Event](), schema["properties"].(map[string]any)},
		{reflect.TypeFor[event.Service](), props(defs["service"])},
		{reflect.TypeFor[event.Access](), props(defs["access"])},
		{reflect.TypeFor[event.Dataset](), props(defs["dataset"])},
		{reflect.TypeFor[event.Totals](), props(props(defs["dataset"])["totals"])},
		{reflect.TypeFor[event.Container](), props(defs["container"])},
		{reflect.TypeFor[event.Finding](), props(defs["finding"])},
		{reflect.TypeFor[event.Indicator](), props(defs["indicator"])},
		{reflect.TypeFor[event.Assessment](), props(defs["assessment"])},
		{reflect.TypeFor[event.ContainerSeverity](), props(props(defs["assessment"])["containers"].(map[string]any)["items"])},
		{reflect.TypeFor[event.ExposedSince](), props(props(defs["assessment"])["exposed_since"])},
	}
	for _, c := range checks {
		for f := range c.typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if _, ok := c.props[name]; !ok {
				t.Errorf("%s.%s (json %q) is missing from docs/event.schema.json", c.typ.Name(), f.Name, name)
			}
		}
	}
}

func props(v any) map[string]any {
	return v.(map[string]any)["properties"].(map[string]any)
}

// TestEventDocExampleIsValid keeps the example in event.md honest.
func TestEventDocExampleIsValid(t *testing.T) {
	md, err := os.ReadFile("event.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(md), "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("event.md has no ```json example")
	}
	if err := ValidateEvent([]byte(example)); err != nil {
		t.Fatal(err)
	}
}
