-- 0200: indexes for the web dashboard and API (internal/web). Numbered from
-- 200 so they never collide with the scan (0001…) and watch (0100…) tables.

-- The exposures list's order (open first, worst first, newest first), so a
-- page of 100k exposures is an index walk, not a sort. The severity
-- expression must stay identical to store.severityOrder.
CREATE INDEX exposures_web_order ON exposures(open DESC,
	(CASE severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END) DESC,
	last_seen DESC, fingerprint DESC);
CREATE INDEX exposures_web_service ON exposures(service, open);
CREATE INDEX exposures_web_severity ON exposures(open, severity);

-- The overview chart: open services and readable documents per scan, read
-- from the index alone.
CREATE INDEX services_web_scan_status ON services(scan_id, status, documents);

-- The data-type filter ("exposures holding e-mail addresses").
CREATE INDEX findings_web_type ON findings(type, service_id);
