-- Sightline's first schema. Forward-only: later changes get their own file.
-- Times are UTC integers named with their unit. Ids are UUIDv7 as 16-byte blobs,
-- so they sort by creation time and B-tree inserts append.

CREATE TABLE runs (
    id              BLOB PRIMARY KEY CHECK (length(id) = 16),
    journey         TEXT NOT NULL,
    journey_version TEXT NOT NULL,
    region          TEXT NOT NULL,
    runner_id       TEXT NOT NULL,
    attempt         INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    is_final        INTEGER NOT NULL DEFAULT 1 CHECK (is_final IN (0, 1)),
    started_at_ms   INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL CHECK (duration_ms >= 0),
    outcome         TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'error')),
    error_class     TEXT,
    error_message   TEXT,
    trace_id        TEXT,
    release_id      TEXT,
    simulated       INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
    received_at_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- The SLO engine reads one journey's runs over a window; the app lists recent runs.
CREATE INDEX runs_journey_started ON runs (journey, started_at_ms);
CREATE INDEX runs_started ON runs (started_at_ms);

CREATE TABLE step_results (
    run_id        BLOB NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL CHECK (idx >= 0),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    outcome       TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'error')),
    error_class   TEXT,
    error_message TEXT,
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

-- Content-addressed files (screenshots, HAR) kept in the artifacts folder.
CREATE TABLE artifacts (
    sha256        TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    media_type    TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE run_artifacts (
    run_id     BLOB NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_index INTEGER,
    role       TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES artifacts (sha256)
);
CREATE INDEX run_artifacts_run ON run_artifacts (run_id);

-- Deploys, Kubernetes events and incident changes. The kind-specific fields are
-- kept as JSON; service and region are lifted out because attribution filters on them.
CREATE TABLE events (
    id      BLOB PRIMARY KEY CHECK (length(id) = 16),
    at_ms   INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('deploy', 'kubernetes', 'incident')),
    source  TEXT NOT NULL,
    service TEXT,
    region  TEXT,
    payload TEXT NOT NULL CHECK (json_valid(payload))
) WITHOUT ROWID;
CREATE INDEX events_at ON events (at_ms);
