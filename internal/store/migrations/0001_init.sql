-- 0001: scans, services, containers, findings, exposures.
-- Times are RFC 3339 UTC text (sortable); booleans are 0/1 integers.

CREATE TABLE scans (
	id          TEXT PRIMARY KEY,
	started     TEXT NOT NULL,
	finished    TEXT,
	updated     TEXT NOT NULL,
	args        TEXT NOT NULL,            -- JSON, as the CLI received them (for --resume)
	status      TEXT NOT NULL,            -- running, done, interrupted, failed
	total       INTEGER NOT NULL DEFAULT 0, -- items (address x port) in scope
	checkpoint  INTEGER NOT NULL DEFAULT 0, -- every item below this index is finished
	services    INTEGER NOT NULL DEFAULT 0, -- open ports recorded (one services row each)
	identified  INTEGER NOT NULL DEFAULT 0, -- services a probe recognised
	exposed     INTEGER NOT NULL DEFAULT 0, -- services with status open
	error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scans_started ON scans(started);

CREATE TABLE services (
	id           INTEGER PRIMARY KEY,
	scan_id      TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
	time         TEXT NOT NULL,
	target       TEXT NOT NULL,
	host         TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL,
	port         INTEGER NOT NULL,
	tls          INTEGER NOT NULL DEFAULT 0,
	service      TEXT NOT NULL DEFAULT '',
	product      TEXT NOT NULL DEFAULT '',
	version      TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	anonymous    INTEGER NOT NULL DEFAULT 0,
	access_level TEXT NOT NULL DEFAULT 'none',
	proof        TEXT NOT NULL DEFAULT '',
	severity     TEXT NOT NULL DEFAULT '',
	containers   INTEGER NOT NULL DEFAULT 0,
	documents    INTEGER NOT NULL DEFAULT 0,
	bytes        INTEGER NOT NULL DEFAULT 0,
	fingerprint  TEXT NOT NULL,
	event        TEXT NOT NULL,           -- the event as JSON (samples are never serialised)
	UNIQUE (scan_id, ip, port)            -- a resumed scan cannot record a port twice
);
CREATE INDEX services_fingerprint ON services(fingerprint, time);

CREATE TABLE containers (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	name       TEXT NOT NULL,
	parent     TEXT NOT NULL DEFAULT '',
	documents  INTEGER,                   -- NULL when the server did not say
	bytes      INTEGER,
	created    TEXT,
	oldest     TEXT,
	sampled    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX containers_service ON containers(service_id);

CREATE TABLE findings (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
	container  TEXT NOT NULL,
	field      TEXT NOT NULL,
	type       TEXT NOT NULL,
	rule       TEXT NOT NULL,
	confidence TEXT NOT NULL,
	count      INTEGER NOT NULL,
	documents  INTEGER NOT NULL,
	examples   TEXT NOT NULL DEFAULT '[]'  -- JSON array of redacted examples
);
CREATE INDEX findings_service ON findings(service_id);

-- One row per exposure across scans, keyed by a fingerprint that survives
-- banner and version changes: "ip:port/service". A row exists once the
-- service was seen open (readable without credentials).
CREATE TABLE exposures (
	fingerprint     TEXT PRIMARY KEY,
	ip              TEXT NOT NULL,
	port            INTEGER NOT NULL,
	service         TEXT NOT NULL,
	host            TEXT NOT NULL DEFAULT '',
	product         TEXT NOT NULL DEFAULT '',
	version         TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL,          -- status at the last sighting
	access_level    TEXT NOT NULL,
	severity        TEXT NOT NULL DEFAULT '',
	open            INTEGER NOT NULL,       -- 1 while closed_at IS NULL (indexable; compare with = 1)
	first_seen      TEXT NOT NULL,
	last_seen       TEXT NOT NULL,          -- last time it was seen open
	closed_at       TEXT,                   -- first scan that saw it closed after it was open
	first_scan_id   TEXT NOT NULL,
	last_scan_id    TEXT NOT NULL,          -- last scan that saw it at all
	last_service_id INTEGER NOT NULL        -- services row of the last sighting
);
CREATE INDEX exposures_open ON exposures(open, last_seen);
CREATE INDEX exposures_addr ON exposures(ip, port);
