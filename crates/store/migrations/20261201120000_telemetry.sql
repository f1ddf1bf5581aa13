-- Backend telemetry received over OTLP, Prometheus and the other sources.
-- Times are UTC integers named with their unit (Unix nanoseconds, as OTLP sends
-- them). Trace and span ids are lowercase hex TEXT, the form runs.trace_id
-- already uses, so a run joins its backend spans without conversion.
--
-- These tables are append-mostly and pruned by age and size (retention), so
-- they keep SQLite's rowid: inserts append in arrival order, which is close to
-- time order, and pruning the oldest rows walks the front of the table.

CREATE TABLE spans (
    trace_id         TEXT NOT NULL,
    span_id          TEXT NOT NULL,
    parent_span_id   TEXT,
    service          TEXT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    start_unix_nano  INTEGER NOT NULL,
    duration_nano    INTEGER NOT NULL,
    status           TEXT NOT NULL,
    status_message   TEXT,
    http_route       TEXT,
    http_status_code INTEGER,
    db_system        TEXT,
    rpc_system       TEXT,
    rpc_service      TEXT,
    rpc_method       TEXT,
    region           TEXT,
    service_version  TEXT,
    pod              TEXT,
    attributes       TEXT NOT NULL,
    received_at_ms   INTEGER NOT NULL
);
-- A trace's spans for the waterfall; also makes an exporter's retry of the
-- same span a no-op (ON CONFLICT DO NOTHING) instead of a duplicate row.
CREATE UNIQUE INDEX spans_trace_span ON spans (trace_id, span_id);
-- Attribution reads one service's spans over a window.
CREATE INDEX spans_service_start ON spans (service, start_unix_nano);

CREATE TABLE logs (
    time_unix_nano  INTEGER NOT NULL,
    service         TEXT NOT NULL,
    severity_number INTEGER NOT NULL,
    severity_text   TEXT,
    body            TEXT NOT NULL,
    trace_id        TEXT,
    span_id         TEXT,
    attributes      TEXT NOT NULL,
    received_at_ms  INTEGER NOT NULL
);
-- Logs of one trace (run detail), and logs over a window.
CREATE INDEX logs_trace ON logs (trace_id, time_unix_nano) WHERE trace_id IS NOT NULL;
CREATE INDEX logs_time ON logs (time_unix_nano);

-- One row per data point. Gauges and sums use `value`; histograms and
-- summaries use `count`/`sum` and keep their buckets or quantiles in `detail`
-- (JSON), which only the readers that need them decode.
CREATE TABLE metric_points (
    name           TEXT NOT NULL,
    service        TEXT NOT NULL,
    time_unix_nano INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    value          REAL,
    monotonic      INTEGER,
    count          INTEGER,
    sum            REAL,
    detail         TEXT,
    attributes     TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX metric_points_name_time ON metric_points (name, time_unix_nano);
