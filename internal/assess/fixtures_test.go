package assess

import (
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

var scanTime = time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)

func ptrTime(t time.Time) *time.Time { return &t }

// openEvent is an open service with data access and the given containers.
func openEvent(service string, level event.AccessLevel, cs ...event.Container) *event.Event {
	ev := event.New("203.0.113.7:9200", "203.0.113.7", 9200)
	ev.Time = scanTime
	ev.Service = &event.Service{Name: service, Product: "", Version: "8.11.1", Info: map[string]string{}}
	ev.Status = event.StatusOpen
	ev.Access = event.Access{Anonymous: true, Level: level, Proof: "listed 2 indices"}
	ev.Dataset = &event.Dataset{Containers: cs}
	ev.Dataset.ComputeTotals()
	return ev
}

func container(kind, name string, docs int64, sampled int) event.Container {
	return event.Container{Kind: kind, Name: name, Documents: event.Int64(docs), Sampled: sampled}
}

func finding(container, typ string, docs int) event.Finding {
	return event.Finding{Container: container, Field: "f", Type: typ, Rule: typ, Confidence: "high",
		Count: docs, Documents: docs, Examples: []string{"r***d"}}
}
