-- Incidents: opened by a firing page, joined by alerts on the same SLO or
-- cause within a merge window, with a timeline of what happened and what
-- people did. Ids are small integers, for `sightline incident ack 3`.
CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slo              TEXT NOT NULL,
    title            TEXT NOT NULL,
    service          TEXT,
    region           TEXT,
    opened_at_ms     INTEGER NOT NULL,
    last_activity_ms INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    state_at_ms      INTEGER NOT NULL,
    state_by         TEXT
);
CREATE INDEX incidents_state ON incidents (state, last_activity_ms);

CREATE TABLE incident_timeline (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('alert_fired', 'alert_resolved', 'attribution', 'note', 'state')),
    link        TEXT,
    summary     TEXT NOT NULL,
    by_whom     TEXT,
    detail      TEXT CHECK (detail IS NULL OR json_valid(detail))
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at_ms);
