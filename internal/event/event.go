// Package event defines the one record that flows through leakwatch's
// pipeline: one Event per service found. Every stage (probe, classify,
// assess, store, report) reads and fills the same struct, and the JSON form
// is documented in docs/event.md and docs/event.schema.json.
package event

import "time"

// SchemaVersion is written in every event so consumers can detect changes.
const SchemaVersion = "leakwatch.event/1"

// Status says how far leakwatch got with a service, like zgrab2's status enum.
type Status string

const (
	StatusOpen          Status = "open"           // data or metadata readable without credentials
	StatusAuthRequired  Status = "auth-required"  // identified, but the server demands credentials
	StatusNotTested     Status = "not-tested"     // identified; access untested: only a default-credential login could tell, and it was forbidden
	StatusNotIdentified Status = "not-identified" // port open, no probe recognised the service
	StatusRefused       Status = "refused"        // connection refused or reset
	StatusTimeout       Status = "timeout"        // a time budget ran out
	StatusProtocolError Status = "protocol-error" // the peer answered something malformed
	StatusTooLarge      Status = "too-large"      // the peer sent more than the byte budget
	StatusOutOfScope    Status = "out-of-scope"   // the target or a redirect left the allowed scope
	StatusError         Status = "error"          // anything else; see Errors
)

// AccessLevel grades what an anonymous client could read.
type AccessLevel string

const (
	AccessNone     AccessLevel = "none"
	AccessMetadata AccessLevel = "metadata" // names, counts, versions; no content
	AccessData     AccessLevel = "data"     // documents, rows, values
)

// Event is one service at one address, as seen by one scan.
type Event struct {
	Schema     string      `json:"schema"`
	Time       time.Time   `json:"time"`
	ScanID     string      `json:"scan_id,omitempty"`
	Target     string      `json:"target"`         // the target as the user gave it
	Host       string      `json:"host,omitempty"` // the hostname, when the user gave one
	IP         string      `json:"ip"`
	Port       int         `json:"port"`
	TLS        bool        `json:"tls"`
	Service    *Service    `json:"service,omitempty"`
	Status     Status      `json:"status"`
	Access     Access      `json:"access"`
	Dataset    *Dataset    `json:"dataset,omitempty"`
	Findings   []Finding   `json:"findings,omitempty"`
	Indicators []Indicator `json:"indicators,omitempty"`
	Assessment *Assessment `json:"assessment,omitempty"`
	Errors     []string    `json:"errors,omitempty"`
	DurationMS int64       `json:"duration_ms"`
}

// Service names what answers on the port.
type Service struct {
	Name    string            `json:"name"`              // probe id: "redis", "elasticsearch", ...
	Product string            `json:"product,omitempty"` // "Redis", "OpenSearch", "FerretDB", ...
	Version string            `json:"version,omitempty"`
	Info    map[string]string `json:"info,omitempty"` // small facts: uptime, cluster name, mode
}

// Access is the proof that the service is (or is not) readable anonymously.
type Access struct {
	Anonymous bool        `json:"anonymous"`
	Level     AccessLevel `json:"level"`
	// Proof is what was read, redacted and short: "listDatabases returned 3 databases".
	Proof string `json:"proof,omitempty"`
}

// Dataset is the inventory of what is exposed.
type Dataset struct {
	Containers []Container `json:"containers"`
	Totals     Totals      `json:"totals"`
	// Truncated is true when the inventory stopped at a limit (containers, bytes, time).
	Truncated bool `json:"truncated,omitempty"`
}

// Totals sums the containers; nil counts stay out of the sums.
type Totals struct {
	Containers int   `json:"containers"`
	Documents  int64 `json:"documents"`
	Bytes      int64 `json:"bytes"`
}

// Container is one database, index, collection, table, bucket, key prefix...
type Container struct {
	Kind      string     `json:"kind"` // "index", "collection", "database", "table", "keyspace", ...
	Name      string     `json:"name"`
	Parent    string     `json:"parent,omitempty"` // database of a collection, keyspace of a table
	Documents *int64     `json:"documents,omitempty"`
	Bytes     *int64     `json:"bytes,omitempty"`
	Created   *time.Time `json:"created,omitempty"`
	// Oldest is the oldest timestamp seen in the container's data (e.g. an ObjectId).
	Oldest *time.Time `json:"oldest,omitempty"`
	Fields []string   `json:"fields,omitempty"` // field/column names, bounded
	// Samples are raw documents kept in memory for classification only:
	// they are never serialised (the tool must not become the leak).
	Samples []Sample `json:"-"`
	// Sampled is how many documents were read for classification.
	Sampled int `json:"sampled,omitempty"`
}

// Sample is one raw document or value read from a container.
type Sample struct {
	Key    string // document id, key name, row number
	Format string // "json", "text"
	Data   []byte
}

// Finding aggregates the detections of one data type in one container field.
type Finding struct {
	Container  string   `json:"container"`
	Field      string   `json:"field"`
	Type       string   `json:"type"`
	Rule       string   `json:"rule"`
	Confidence string   `json:"confidence"`         // low, medium, high
	Count      int      `json:"count"`              // detections
	Documents  int      `json:"documents"`          // sampled documents with at least one
	Examples   []string `json:"examples,omitempty"` // redacted
}

// Indicator is a notable sign, such as a ransom note or a suspicious setting.
type Indicator struct {
	Kind      string `json:"kind"` // "ransom-note", "suspicious-config", "wiped", ...
	Container string `json:"container,omitempty"`
	Detail    string `json:"detail"`
}

// Int64 returns a pointer to v, for the optional counts of a Container.
func Int64(v int64) *int64 { return &v }

// ComputeTotals fills d.Totals from d.Containers.
func (d *Dataset) ComputeTotals() {
	t := Totals{Containers: len(d.Containers)}
	for _, c := range d.Containers {
		if c.Documents != nil && *c.Documents > 0 {
			t.Documents += *c.Documents
		}
		if c.Bytes != nil && *c.Bytes > 0 {
			t.Bytes += *c.Bytes
		}
	}
	d.Totals = t
}

// New returns an event with the schema version and time set.
func New(target, ip string, port int) *Event {
	return &Event{Schema: SchemaVersion, Time: time.Now().UTC(), Target: target, IP: ip, Port: port,
		Access: Access{Level: AccessNone}}
}
