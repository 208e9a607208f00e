-- 0002: which process runs a scan, so a scan left "running" by a killed
-- process can be told from one still running (and not resumed twice).
ALTER TABLE scans ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN host TEXT NOT NULL DEFAULT '';
