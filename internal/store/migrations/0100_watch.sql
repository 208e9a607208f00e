-- 0100: history, alerts with their delivery outbox, suppressions, watch
-- schedules. Numbered from 100 so the scan tables' own migrations (low
-- numbers) never collide with these.

-- What each finished scan concluded about each exposure it covered: the
-- per-scan observation alerts compare against ("was it open last time?").
-- A scan that found the port closed has no services row, so this is the
-- only place that says "scan S saw it closed".
CREATE TABLE exposure_observations (
	scan_id     TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
	fingerprint TEXT NOT NULL,
	time        TEXT NOT NULL,
	open        INTEGER NOT NULL,
	service_id  INTEGER,                  -- services row when the scan saw it (open or not)
	severity    TEXT NOT NULL DEFAULT '',
	containers  INTEGER NOT NULL DEFAULT 0,
	documents   INTEGER NOT NULL DEFAULT 0,
	bytes       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (fingerprint, scan_id)
);
CREATE INDEX exposure_observations_scan ON exposure_observations(scan_id);

-- Scans whose alerts were computed (alerts are computed once per scan).
CREATE TABLE alerted_scans (
	scan_id  TEXT PRIMARY KEY,
	computed TEXT NOT NULL,
	alerts   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE alerts (
	id            INTEGER PRIMARY KEY,
	dedupe_key    TEXT NOT NULL UNIQUE,   -- kind|fingerprint|container|scan: never sent twice
	scan_id       TEXT NOT NULL,
	prev_scan_id  TEXT NOT NULL DEFAULT '',
	fingerprint   TEXT NOT NULL,
	ip            TEXT NOT NULL,
	port          INTEGER NOT NULL,
	host          TEXT NOT NULL DEFAULT '',
	service       TEXT NOT NULL DEFAULT '',
	container     TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL,          -- opened, closed, severity-raised, new-data-type, wiped, ransom-note
	severity      TEXT NOT NULL DEFAULT '',
	title         TEXT NOT NULL,
	detail        TEXT NOT NULL DEFAULT '',
	created       TEXT NOT NULL,
	suppressed_by INTEGER                 -- suppressions.id that silenced it
);
CREATE INDEX alerts_created ON alerts(created);

-- The outbox: one row per alert and channel, written in the alert's
-- transaction, removed never. A delivery is retried with backoff until it
-- succeeds; attempts and the last error stay for `leakwatch alerts`.
CREATE TABLE alert_deliveries (
	alert_id     INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
	channel      TEXT NOT NULL,
	status       TEXT NOT NULL,           -- pending, delivered
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	next_attempt TEXT NOT NULL,
	delivered_at TEXT,
	PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt);

CREATE TABLE suppressions (
	id        INTEGER PRIMARY KEY,
	host      TEXT NOT NULL,              -- IP or hostname as the user gave it
	port      INTEGER NOT NULL,
	container TEXT NOT NULL DEFAULT '',   -- '' = the whole exposure
	until     TEXT NOT NULL,
	reason    TEXT NOT NULL,
	created   TEXT NOT NULL
);

-- Watch groups: the schedule and the last run survive restarts.
CREATE TABLE watch_groups (
	name         TEXT PRIMARY KEY,
	config       TEXT NOT NULL,           -- JSON of the group as configured
	every_ms     INTEGER NOT NULL,
	last_run     TEXT,                    -- start of the last scan
	last_scan_id TEXT NOT NULL DEFAULT '',
	last_status  TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	updated      TEXT NOT NULL
);
