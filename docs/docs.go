// Package docs embeds the machine-readable documents of docs/ so code and
// tests use the very files users read: the event JSON Schema, validated
// against by every test that produces events (ValidateEvent).
package docs

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// EventSchema is docs/event.schema.json (JSON Schema 2020-12).
//
//go:embed event.schema.json
var EventSchema []byte

// EventSchemaURL is the schema's $id.
const EventSchemaURL = "https://github.com/leakwatch/leakwatch/docs/event.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(EventSchema))
	if err != nil {
		return nil, fmt.Errorf("docs: event.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time and IP formats are part of the contract
	if err := c.AddResource(EventSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("docs: event.schema.json: %w", err)
	}
	return c.Compile(EventSchemaURL)
})

// ValidateEvent checks one JSON-encoded event (one line of `leakwatch scan
// --json`) against docs/event.schema.json and says what is wrong.
func ValidateEvent(b []byte) error {
	sch, err := compiled()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("event is not JSON: %w", err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("event does not match docs/event.schema.json: %w", err)
	}
	return nil
}

// ValidateEvents checks every line of a JSON Lines stream; blank lines are skipped.
func ValidateEvents(jsonl []byte) error {
	for i, line := range bytes.Split(jsonl, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := ValidateEvent(line); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}
