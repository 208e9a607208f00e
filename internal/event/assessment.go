package event

import "time"

// Severity grades an exposure.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists the grades from the mildest to the worst.
var Severities = []Severity{SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Rank orders severities: info 0 … critical 4; an unknown grade is -1.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// Assessment is filled by internal/assess: how bad, why, since when, what to do.
// docs/severity.md explains every grade and reason.
type Assessment struct {
	Severity     Severity            `json:"severity"`
	Reasons      []string            `json:"reasons"`
	Containers   []ContainerSeverity `json:"containers,omitempty"`
	ExposedSince *ExposedSince       `json:"exposed_since,omitempty"`
	Compromise   []Indicator         `json:"compromise,omitempty"`
	// AffectedRecords estimates the records holding sensitive data (sampled
	// share × documents), or the readable documents when nothing was classified.
	AffectedRecords int64    `json:"affected_records,omitempty"`
	Impact          []string `json:"impact,omitempty"`      // what an attacker could do
	Remediation     []string `json:"remediation,omitempty"` // what the owner should do, first things first
	UserAdvice      []string `json:"user_advice,omitempty"` // what the people in the data should do
	Verify          []string `json:"verify,omitempty"`      // how the owner checks the fix
}

// ContainerSeverity grades one container.
type ContainerSeverity struct {
	Name     string   `json:"name"` // as in Finding.Container: "parent.name" when the container has a parent
	Kind     string   `json:"kind,omitempty"`
	Severity Severity `json:"severity"`
	Reasons  []string `json:"reasons"`
	Records  int64    `json:"records,omitempty"` // estimated records with sensitive data
}

// ExposedSince is a lower bound on how long data has been readable, with its
// evidence: the exposure is at least as old as Time. Hints are older dates
// that suggest (but do not prove) a longer exposure.
type ExposedSince struct {
	Time     time.Time  `json:"time"`
	Source   string     `json:"source"` // "first seen", "previous observation", "ransom note created", "this scan"
	Evidence string     `json:"evidence"`
	Hints    []TimeHint `json:"hints,omitempty"`
}

// TimeHint is a dated fact about the exposed service that is not proof of exposure.
type TimeHint struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"` // "index creation_date", "oldest data", "server uptime"
	Evidence string    `json:"evidence"`
}
