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

// Assessment is filled by internal/assess: how bad, why, since when, what to do.
type Assessment struct {
	Severity     Severity            `json:"severity"`
	Reasons      []string            `json:"reasons"`
	Containers   []ContainerSeverity `json:"containers,omitempty"`
	ExposedSince *ExposedSince       `json:"exposed_since,omitempty"`
	Compromise   []Indicator         `json:"compromise,omitempty"`
	Impact       []string            `json:"impact,omitempty"`
	Remediation  []string            `json:"remediation,omitempty"`
	UserAdvice   []string            `json:"user_advice,omitempty"`
}

// ContainerSeverity grades one container.
type ContainerSeverity struct {
	Name     string   `json:"name"`
	Severity Severity `json:"severity"`
	Reasons  []string `json:"reasons"`
}

// ExposedSince is a lower bound on how long data has been readable, with its evidence.
type ExposedSince struct {
	Time     time.Time `json:"time"`
	Source   string    `json:"source"` // "index creation_date", "oldest ObjectId", "server uptime", "first seen"
	Evidence string    `json:"evidence"`
}
