-- The question box and the attribution evidence link a trace to the run
-- that made it: one index lookup instead of a scan of every run.
CREATE INDEX runs_trace ON runs (trace_id) WHERE trace_id IS NOT NULL;
