-- Retries: every attempt of a scheduled slot is stored; SLIs read only the
-- final one (is_final = 1). A retry points at its slot's first attempt so the
-- earlier attempts can be read back as a flakiness signal.
ALTER TABLE runs ADD COLUMN retry_of BLOB CHECK (retry_of IS NULL OR length(retry_of) = 16);
CREATE INDEX runs_retry_of ON runs (retry_of) WHERE retry_of IS NOT NULL;
