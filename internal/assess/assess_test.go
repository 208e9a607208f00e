package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

func containerGrade(t *testing.T, a *event.Assessment, name string) event.ContainerSeverity {
	t.Helper()
	for _, c := range a.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q in %+v", name, a.Containers)
	return event.ContainerSeverity{}
}

func mustContain(t *testing.T, list []string, parts ...string) {
	t.Helper()
	for _, s := range list {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(s, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no line contains all of %q in:\n  %s", parts, strings.Join(list, "\n  "))
}

func TestConfigIndexWithKeysIsCritical(t *testing.T) {
	ev := openEvent("elasticsearch", event.AccessData,
		container("index", "config", 12, 12), container("index", "logs-2026.12.01", 500, 50))
	ev.Findings = []event.Finding{
		finding("config", "password", 3), finding("config", "aws_access_key_id", 1),
		finding("config", "internal_hostname", 4),
	}
	Assess(ev, nil, time.Time{})
	a := ev.Assessment
	if a.Severity != event.SeverityCritical {
		t.Fatalf("severity %s, want critical; reasons %q", a.Severity, a.Reasons)
	}
	mustContain(t, a.Reasons, `index "config"`, "passwords", "AWS access keys", "take over accounts")
	c := containerGrade(t, a, "config")
	if c.Severity != event.SeverityCritical {
		t.Errorf("config graded %s", c.Severity)
	}
	mustContain(t, c.Reasons, "internal host names")
	if logs := containerGrade(t, a, "logs-2026.12.01"); logs.Severity != event.SeverityLow {
		t.Errorf("logs graded %s, want low (500 readable documents, nothing found): %q", logs.Severity, logs.Reasons)
	}
	mustContain(t, a.Remediation, "xpack.security.enabled")
	mustContain(t, a.Remediation, "network.host")
	mustContain(t, a.Remediation, "Firewall the port", "9200/tcp", "203.0.113.7")
	mustContain(t, a.Remediation, "AWS access keys", `index "config"`)
	mustContain(t, a.Impact, "Passwords", "log in")
	mustContain(t, a.UserAdvice, "Change your password")
	mustContain(t, a.Verify, "http://203.0.113.7:9200/_cat/indices")
}

func TestSMSLogsAreHigh(t *testing.T) {
	ev := openEvent("redis", event.AccessData, container("keyspace", "sms:*", 1000, 50))
	ev.Findings = []event.Finding{finding("sms:*", "phone", 50), finding("sms:*", "message_content", 48)}
	Assess(ev, nil, time.Time{})
	a := ev.Assessment
	if a.Severity != event.SeverityHigh {
		t.Fatalf("severity %s, want high: %q", a.Severity, a.Reasons)
	}
	mustContain(t, a.Reasons, `keyspace "sms:*"`, "message bodies", "about 960 records")
	if a.AffectedRecords != 1000 {
		t.Errorf("affected records %d, want 1000", a.AffectedRecords)
	}
	if c := containerGrade(t, a, "sms:*"); c.Records != 1000 {
		t.Errorf("container records %d", c.Records)
	}
	mustContain(t, a.Remediation, "protected-mode yes")
	mustContain(t, a.Remediation, "requirepass")
	mustContain(t, a.Remediation, "GDPR")
	mustContain(t, a.UserAdvice, "SMS")
	mustContain(t, a.Impact, "Phone numbers", "phish")
}

func TestRecordEstimateScalesSampledShare(t *testing.T) {
	ev := openEvent("mongodb", event.AccessData, event.Container{Kind: "collection", Parent: "shop", Name: "customers",
		Documents: event.Int64(200_000), Sampled: 50})
	ev.Findings = []event.Finding{finding("shop.customers", "email", 25)}
	Assess(ev, nil, time.Time{})
	c := containerGrade(t, ev.Assessment, "shop.customers")
	if c.Records != 100_000 || c.Severity != event.SeverityHigh {
		t.Errorf("records %d grade %s, want 100000 high (contact-bulk)", c.Records, c.Severity)
	}
	mustContain(t, ev.Assessment.Remediation, "security.authorization: enabled")
}

func TestLowConfidenceFindingsDoNotGrade(t *testing.T) {
	ev := openEvent("postgres", event.AccessData, container("table", "t", 10, 10))
	f := finding("t", "password", 1)
	f.Confidence = "low"
	ev.Findings = []event.Finding{f}
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityLow {
		t.Errorf("severity %s, want low", ev.Assessment.Severity)
	}
}

func TestMetadataOnly(t *testing.T) {
	small := openEvent("couchdb", event.AccessMetadata, container("database", "smsgw", 1000, 0))
	Assess(small, nil, time.Time{})
	if small.Assessment.Severity != event.SeverityLow {
		t.Errorf("small metadata-only: %s, want low: %q", small.Assessment.Severity, small.Assessment.Reasons)
	}
	mustContain(t, small.Assessment.Reasons, `database "smsgw" is listed without credentials`)
	mustContain(t, small.Assessment.Remediation, "require_valid_user")

	big := openEvent("couchdb", event.AccessMetadata, container("database", "users", 250_000, 0))
	Assess(big, nil, time.Time{})
	if big.Assessment.Severity != event.SeverityMedium {
		t.Errorf("large metadata-only: %s, want medium", big.Assessment.Severity)
	}
	mustContain(t, big.Assessment.Reasons, "250,000 documents")

	bare := openEvent("prometheus", event.AccessMetadata)
	bare.Dataset = nil
	Assess(bare, nil, time.Time{})
	if bare.Assessment.Severity != event.SeverityLow {
		t.Errorf("open service without containers: %s, want low", bare.Assessment.Severity)
	}
	mustContain(t, bare.Assessment.Reasons, "answers without credentials")
	mustContain(t, bare.Assessment.Remediation, "--web.enable-admin-api")
}

func TestAuthRequiredIsInfo(t *testing.T) {
	ev := event.New("203.0.113.7:6379", "203.0.113.7", 6379)
	ev.Service = &event.Service{Name: "redis", Product: "Redis"}
	ev.Status = event.StatusAuthRequired
	Assess(ev, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	a := ev.Assessment
	if a.Severity != event.SeverityInfo {
		t.Fatalf("severity %s, want info", a.Severity)
	}
	mustContain(t, a.Reasons, "demands credentials")
	if a.ExposedSince != nil || len(a.Containers) != 0 || len(a.Impact) != 0 {
		t.Errorf("a closed service has no exposure: %+v", a)
	}
}

func TestRansomNoteRaisesSeverity(t *testing.T) {
	note := container("database", "READ_ME_TO_RECOVER_YOUR_DATA", 1, 1)
	ev := openEvent("mongodb", event.AccessData, note, container("collection", "messages", 1000, 50))
	ev.Findings = []event.Finding{finding("messages", "phone", 50), finding("messages", "message_content", 50)}
	Assess(ev, nil, time.Time{})
	a := ev.Assessment
	if a.Severity != event.SeverityCritical {
		t.Fatalf("severity %s, want critical (high content + ransom note): %q", a.Severity, a.Reasons)
	}
	if len(a.Compromise) != 1 || a.Compromise[0].Kind != "ransom-note" {
		t.Fatalf("compromise %+v", a.Compromise)
	}
	if len(ev.Indicators) != 1 || ev.Indicators[0].Container != "READ_ME_TO_RECOVER_YOUR_DATA" {
		t.Errorf("indicator not recorded on the event: %+v", ev.Indicators)
	}
	mustContain(t, a.Reasons, "ransom note")
	mustContain(t, a.Remediation, "Do not pay")
	// Assessing again (a stored event) neither duplicates the indicator nor changes the grade.
	Assess(ev, nil, time.Time{})
	if len(ev.Indicators) != 1 || ev.Assessment.Severity != event.SeverityCritical {
		t.Errorf("second pass: %d indicators, %s", len(ev.Indicators), ev.Assessment.Severity)
	}
}

func TestRansomNoteOnEmptyServiceIsHigh(t *testing.T) {
	ev := openEvent("elasticsearch", event.AccessData, container("index", "x7dk2-meow", 0, 0))
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityHigh {
		t.Errorf("severity %s, want high", ev.Assessment.Severity)
	}
}

func TestLoneDocumentWithBitcoinAddress(t *testing.T) {
	c := container("collection", "notes", 1, 1)
	c.Samples = []event.Sample{{Key: "1", Format: "json", Data: []byte(
		`{"content":"All your data is backed up. Send 0.05 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa and mail pay@example.net"}`)}}
	ev := openEvent("mongodb", event.AccessData, c)
	Assess(ev, nil, time.Time{})
	if len(ev.Assessment.Compromise) != 1 {
		t.Fatalf("no ransom note found: %+v", ev.Assessment.Compromise)
	}
	if d := ev.Assessment.Compromise[0].Detail; !strings.Contains(d, "1A1zP1…") || strings.Contains(d, "DivfNa") {
		t.Errorf("detail %q: want the address shortened", d)
	}

	// A random base58-looking id with a broken checksum is not an address.
	c.Samples[0].Data = []byte(`{"id":"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb","mail":"a@example.net"}`)
	ev = openEvent("mongodb", event.AccessData, c)
	Assess(ev, nil, time.Time{})
	if len(ev.Assessment.Compromise) != 0 {
		t.Errorf("false ransom note: %+v", ev.Assessment.Compromise)
	}
}

func TestWipeBetweenObservations(t *testing.T) {
	prev := openEvent("mongodb", event.AccessData, container("collection", "customers", 40_000, 50),
		container("collection", "orders", 9_000, 50))
	prev.Time = scanTime.Add(-72 * time.Hour)
	cur := openEvent("mongodb", event.AccessData, container("collection", "orders", 12, 12))
	Assess(cur, prev, time.Time{})
	a := cur.Assessment
	if len(a.Compromise) != 1 || a.Compromise[0].Kind != "wiped" {
		t.Fatalf("compromise %+v", a.Compromise)
	}
	d := a.Compromise[0].Detail
	for _, want := range []string{"49,000 documents", "12 documents now", `"customers" 40,000→0`, `"orders" 9,000→12`} {
		if !strings.Contains(d, want) {
			t.Errorf("detail %q lacks %q", d, want)
		}
	}
	if a.Severity != event.SeverityHigh {
		t.Errorf("severity %s, want high", a.Severity)
	}

	// Growth, or a service now closed, is no wipe.
	grown := openEvent("mongodb", event.AccessData, container("collection", "customers", 41_000, 50))
	Assess(grown, prev, time.Time{})
	closed := event.New("203.0.113.7:27017", "203.0.113.7", 27017)
	closed.Status = event.StatusAuthRequired
	Assess(closed, prev, time.Time{})
	if len(grown.Assessment.Compromise)+len(closed.Assessment.Compromise) != 0 {
		t.Errorf("false wipe: %+v %+v", grown.Assessment.Compromise, closed.Assessment.Compromise)
	}
}

func TestSuspiciousRedisConfig(t *testing.T) {
	ev := openEvent("redis", event.AccessData, container("keyspace", "db0", 3, 3))
	ev.Service.Info["dir"] = "/root/.ssh"
	ev.Service.Info["dbfilename"] = "authorized_keys"
	Assess(ev, nil, time.Time{})
	a := ev.Assessment
	if a.Severity != event.SeverityCritical {
		t.Errorf("severity %s, want critical", a.Severity)
	}
	if len(a.Compromise) != 2 {
		t.Errorf("compromise %+v, want dir and dbfilename", a.Compromise)
	}
	mustContain(t, a.Remediation, "authorized_keys")

	// A probe's own indicator is used as is, not doubled.
	ev = openEvent("redis", event.AccessData)
	ev.Service.Info["dir"] = "/var/spool/cron"
	ev.Indicators = []event.Indicator{{Kind: "suspicious-config", Detail: "dir=/var/spool/cron"}}
	Assess(ev, nil, time.Time{})
	if len(ev.Assessment.Compromise) != 1 || len(ev.Indicators) != 1 {
		t.Errorf("compromise %+v indicators %+v", ev.Assessment.Compromise, ev.Indicators)
	}
}

func TestStageAssesses(t *testing.T) {
	ev := openEvent("memcached", event.AccessData, container("slab", "1", 10, 10))
	Stage()(t.Context(), ev)
	if ev.Assessment == nil || ev.Assessment.ExposedSince.Source != "this scan" {
		t.Fatalf("stage: %+v", ev.Assessment)
	}
	mustContain(t, ev.Assessment.Remediation, "-U 0")
}

func TestEveryTypeAndRuleIsWellFormed(t *testing.T) {
	ids := map[string]bool{}
	for _, d := range DataTypes {
		if ids[d.ID] || d.Label == "" || d.Impact == "" || d.Category == CategoryNone {
			t.Errorf("bad or duplicate type %+v", d)
		}
		ids[d.ID] = true
	}
	for _, id := range []string{"phone", "phone_redacted", "email", "message_content", "password", "password_hash",
		"username", "aws_access_key_id", "aws_secret_access_key", "gcp_api_key", "github_token", "slack_token",
		"stripe_secret_key", "twilio_api_key", "sendgrid_api_key", "jwt", "private_key", "generic_api_key",
		"db_connection_uri", "internal_hostname", "private_ip", "credit_card", "iban", "ssn"} {
		if !ids[id] {
			t.Errorf("classifier type %s missing from DataTypes", id)
		}
	}
	for _, r := range Rules {
		if r.ID == "" || r.Says == "" || r.Why == "" || r.Grade.Rank() < 0 {
			t.Errorf("bad rule %+v", r)
		}
	}
}

func TestProbeIndicators(t *testing.T) {
	// CouchDB: the _users database readable.
	ev := openEvent("couchdb", event.AccessData, container("database", "_users", 40, 20))
	ev.Indicators = []event.Indicator{{Kind: "users-readable", Container: "_users", Detail: "20 user documents read"}}
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityHigh {
		t.Errorf("users-readable: %s, want high", ev.Assessment.Severity)
	}
	mustContain(t, ev.Assessment.Reasons, `database "_users" exposes the user accounts`)

	// Prometheus admin API.
	ev = openEvent("prometheus", event.AccessMetadata, container("targets", "targets", 2, 0))
	ev.Indicators = []event.Indicator{{Kind: "admin-api-enabled", Detail: "--web.enable-admin-api is on"}}
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityMedium {
		t.Errorf("admin api: %s, want medium", ev.Assessment.Severity)
	}

	// A probe's ransom note named "db.coll" is the same as the container db/coll: one sign, not two.
	ev = openEvent("mongodb", event.AccessData, event.Container{Kind: "collection", Parent: "READ__ME", Name: "README",
		Documents: event.Int64(1), Sampled: 1})
	ev.Indicators = []event.Indicator{{Kind: "ransom-note", Container: "READ__ME.README", Detail: "collection named like a ransom note"}}
	Assess(ev, nil, time.Time{})
	if n := len(ev.Assessment.Compromise); n != 1 {
		t.Errorf("%d compromise signs, want 1: %+v", n, ev.Assessment.Compromise)
	}
}

func TestContainerKey(t *testing.T) {
	for _, c := range []struct{ parent, name, want string }{
		{"", "idx", "idx"}, {"shop", "customers", "shop.customers"}, {"smsgw", "smsgw.sms", "smsgw.sms"},
	} {
		if got := ContainerKey(&event.Container{Parent: c.parent, Name: c.name}); got != c.want {
			t.Errorf("ContainerKey(%q,%q) = %q", c.parent, c.name, got)
		}
	}
}

func TestNoFalseCompromise(t *testing.T) {
	ev := openEvent("elasticsearch", event.AccessData, container("index", "homeowners", 5, 5), container("index", "read_messages", 5, 5), container("table", "warning_log", 5, 5),
		container("index", "readme-docs", 5000, 50), container("index", "warnings", 3, 3))
	Assess(ev, nil, time.Time{})
	if len(ev.Assessment.Compromise) != 0 {
		t.Errorf("false ransom notes: %+v", ev.Assessment.Compromise)
	}

	prev := openEvent("mongodb", event.AccessData, container("collection", "customers", 40_000, 50),
		container("collection", "orders", 9_000, 50))
	prev.Time = scanTime.Add(-time.Hour)
	cases := map[string]*event.Event{
		"inventory cut short": func() *event.Event {
			e := openEvent("mongodb", event.AccessData, container("collection", "orders", 9_000, 50))
			e.Dataset.Truncated = true
			return e
		}(),
		"counts unknown now": openEvent("mongodb", event.AccessData,
			event.Container{Kind: "collection", Name: "customers"}, event.Container{Kind: "collection", Name: "orders"}),
		"data re-indexed under new names": openEvent("mongodb", event.AccessData,
			container("collection", "customers_v2", 40_100, 50), container("collection", "orders_v2", 9_000, 50)),
		"no inventory this time": func() *event.Event {
			e := openEvent("mongodb", event.AccessData)
			e.Dataset = nil
			return e
		}(),
	}
	for name, cur := range cases {
		Assess(cur, prev, time.Time{})
		if len(cur.Assessment.Compromise) != 0 {
			t.Errorf("%s: false wipe %+v", name, cur.Assessment.Compromise)
		}
	}
}

func TestSchemaHintsWithMetadataOnly(t *testing.T) {
	c := container("table", "users", 800, 0)
	c.Fields = []string{"id", "userEmail", "password_hash", "created_at"}
	ev := openEvent("mysql", event.AccessMetadata, c)
	Assess(ev, nil, time.Time{})
	a := ev.Assessment
	if a.Severity != event.SeverityMedium {
		t.Fatalf("severity %s, want medium: %q", a.Severity, a.Reasons)
	}
	mustContain(t, a.Reasons, `"userEmail"`, `"password_hash"`, "credentials")

	// With data access the classifier's findings decide, not the names.
	ev = openEvent("mysql", event.AccessData, c)
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityLow {
		t.Errorf("data access, nothing found: %s, want low", ev.Assessment.Severity)
	}
	// Harmless names give no hint.
	c.Fields = []string{"id", "message_id", "tokens_used", "created_at"}
	ev = openEvent("mysql", event.AccessMetadata, c)
	Assess(ev, nil, time.Time{})
	if ev.Assessment.Severity != event.SeverityLow {
		t.Errorf("no hint expected: %s %q", ev.Assessment.Severity, ev.Assessment.Reasons)
	}
}

func TestEveryProbeHasAdvice(t *testing.T) {
	for _, c := range []struct{ name, product, want string }{
		{"elasticsearch", "Elasticsearch", "Elasticsearch"}, {"elasticsearch", "OpenSearch", "OpenSearch"},
		{"elasticsearch", "ZincSearch", "ZincSearch"}, {"mongodb", "FerretDB", "FerretDB"}, {"mongodb", "MongoDB", "MongoDB"},
		{"redis", "Redis", "Redis"}, {"memcached", "", "Memcached"}, {"etcd", "", "etcd"},
		{"postgresql", "PostgreSQL", "PostgreSQL"}, {"mysql", "MariaDB", "MySQL / MariaDB"}, {"couchdb", "PouchDB", "CouchDB"},
		{"clickhouse", "", "ClickHouse"}, {"influxdb", "InfluxDB", "InfluxDB"}, {"prometheus", "Prometheus", "Prometheus"},
		{"victoriametrics", "", "VictoriaMetrics"}, {"docker-registry", "Docker Registry", "Docker registry"},
		{"s3", "versitygw", "S3 object storage"}, {"zookeeper", "", "ZooKeeper"}, {"rabbitmq", "RabbitMQ", "RabbitMQ"},
	} {
		if got := adviceFor(c.name, c.product).Label; got != c.want {
			t.Errorf("adviceFor(%q, %q) = %q, want %q", c.name, c.product, got, c.want)
		}
	}
}
