package assess

import "github.com/leakwatch/leakwatch/internal/event"

// Scope says what a rule grades.
type Scope string

const (
	ScopeContainer Scope = "container"
	ScopeService   Scope = "service"
)

// Rule is one row of the severity table. A row matches when every condition
// it sets holds; unset conditions (zero values) match anything.
//
// Within a Group only the first matching row counts, so "contact data of
// 10,000+ people" (high) hides "contact data" (medium). A Fallback row counts
// only when no earlier row of its scope matched. A container's grade is the
// highest grade of its rows; the service's grade is the highest of its
// containers and of its own rows, where Raise lifts the content grade by that
// many steps (at least to Grade). A Final row ends the evaluation.
//
// Says and Why are joined as "Says: Why" into the reason. Placeholders:
// {subject} the container (`index "config"`) or the service, {types} the data
// types found, {records} " (about N records)", {documents} "N documents",
// {detail} the indicator's detail, {status} the service status, {access} what
// is readable, {fields} and {category} the field names that FieldHints matched.
type Rule struct {
	ID    string
	Scope Scope
	Group string

	Closed     bool              // service only: the status is not "open"
	Access     event.AccessLevel // the service's access level, exactly
	Category   Category          // the container holds graded data of this category
	MinRecords int64             // records of Category, or documents for access rows
	Indicator  string            // an indicator of this kind (on the container, or anywhere for the service)
	SchemaHint bool              // field names suggest sensitive content (FieldHints)
	Fallback   bool

	Grade event.Severity
	Raise int
	Final bool

	Says string
	Why  string
}

// Rules is THE severity table (docs/severity.md mirrors it row by row).
var Rules = []Rule{
	// Containers: what they hold, heaviest first.
	{ID: "credentials", Scope: ScopeContainer, Group: "credential", Category: CategoryCredential,
		Grade: event.SeverityCritical,
		Says:  "{subject} holds {types}{records}",
		Why:   "credentials let an attacker take over accounts and systems"},
	{ID: "personal-bulk", Scope: ScopeContainer, Group: "personal", Category: CategoryPersonal, MinRecords: 100_000,
		Grade: event.SeverityCritical,
		Says:  "{subject} holds {types}{records}",
		Why:   "private messages, identity or payment data of this many people enable fraud and extortion at scale"},
	{ID: "personal", Scope: ScopeContainer, Group: "personal", Category: CategoryPersonal,
		Grade: event.SeverityHigh,
		Says:  "{subject} holds {types}{records}",
		Why:   "private messages, identity and payment data enable fraud, extortion and convincing phishing"},
	{ID: "contact-bulk", Scope: ScopeContainer, Group: "contact", Category: CategoryContact, MinRecords: 10_000,
		Grade: event.SeverityHigh,
		Says:  "{subject} holds {types}{records}",
		Why:   "a contact list this large feeds phishing and fraud campaigns"},
	{ID: "contact", Scope: ScopeContainer, Group: "contact", Category: CategoryContact,
		Grade: event.SeverityMedium,
		Says:  "{subject} holds {types}{records}",
		Why:   "contact data lets an attacker phish the people it belongs to"},
	{ID: "hints", Scope: ScopeContainer, Group: "hint", Category: CategoryHint,
		Grade: event.SeverityLow,
		Says:  "{subject} holds {types}",
		Why:   "internal names and addresses help an attacker map and target your network"},
	// The note holds no data of yours: it is a sign, and the service row below
	// raises the whole service for it.
	{ID: "ransom-note", Scope: ScopeContainer, Group: "ransom", Indicator: "ransom-note",
		Grade: event.SeverityMedium,
		Says:  "{subject} looks like a ransom note ({detail})",
		Why:   "someone already wrote to this datastore without credentials"},
	{ID: "users-readable", Scope: ScopeContainer, Group: "users", Indicator: "users-readable",
		Grade: event.SeverityHigh,
		Says:  "{subject} exposes the user accounts ({detail})",
		Why:   "user names with their password hashes allow offline cracking and account takeover"},
	// Only the schema is visible, but its field names speak.
	{ID: "schema-hints", Scope: ScopeContainer, Group: "schema", Access: event.AccessMetadata, SchemaHint: true,
		Grade: event.SeverityMedium,
		Says:  "{subject} is listed without credentials with fields named {fields}",
		Why:   "its schema suggests {category}; the content was not readable, but may be one setting away"},
	// Containers with nothing classified: graded by access and volume.
	{ID: "data-bulk", Scope: ScopeContainer, Group: "access", Access: event.AccessData, MinRecords: 1_000, Fallback: true,
		Grade: event.SeverityMedium,
		Says:  "{subject} has {documents} readable without credentials",
		Why:   "no sensitive type was found in the sample, but anyone can copy this volume of data"},
	{ID: "data", Scope: ScopeContainer, Group: "access", Access: event.AccessData, Fallback: true,
		Grade: event.SeverityLow,
		Says:  "{subject} is readable without credentials",
		Why:   "no sensitive type was found in the sample, but anyone can copy it"},
	{ID: "metadata-bulk", Scope: ScopeContainer, Group: "access", Access: event.AccessMetadata, MinRecords: 100_000, Fallback: true,
		Grade: event.SeverityMedium,
		Says:  "{subject} is listed without credentials with {documents}",
		Why:   "only names and sizes are visible, but a dataset this large is a target and its content may be one setting away"},
	{ID: "metadata", Scope: ScopeContainer, Group: "access", Access: event.AccessMetadata, Fallback: true,
		Grade: event.SeverityLow,
		Says:  "{subject} is listed without credentials",
		Why:   "names and sizes tell an attacker what the datastore holds"},

	// The service as a whole.
	{ID: "not-open", Scope: ScopeService, Closed: true, Final: true,
		Grade: event.SeverityInfo,
		Says:  "{subject} is {status}",
		Why:   "nothing was readable without credentials"},
	{ID: "suspicious-config", Scope: ScopeService, Group: "config", Indicator: "suspicious-config",
		Grade: event.SeverityCritical,
		Says:  "the server's settings look tampered with ({detail})",
		Why:   "attackers change such settings to write SSH keys or cron jobs and take over the host"},
	{ID: "ransom-note", Scope: ScopeService, Group: "ransom", Indicator: "ransom-note", Raise: 1,
		Grade: event.SeverityHigh,
		Says:  "a ransom note was found ({detail})",
		Why:   "an attacker already had write access: the data was probably copied and may have been deleted"},
	{ID: "wiped", Scope: ScopeService, Group: "wiped", Indicator: "wiped", Raise: 1,
		Grade: event.SeverityHigh,
		Says:  "data disappeared between observations ({detail})",
		Why:   "this is the usual trace of an attacker who copied and deleted the data, unless the owner cleaned up"},
	{ID: "admin-api", Scope: ScopeService, Group: "admin", Indicator: "admin-api-enabled",
		Grade: event.SeverityMedium,
		Says:  "an administrative API is open ({detail})",
		Why:   "anyone can delete or snapshot the stored data"},
	{ID: "open", Scope: ScopeService, Group: "access", Fallback: true,
		Grade: event.SeverityLow,
		Says:  "{subject} answers without credentials",
		Why:   "anyone can read its {access}"},
}
