-- Questions asked in the question box while an incident was open in the
-- app (or with `sightline ask --incident ID`) join that incident's timeline
-- as `question` entries: the incident's history of questions, read back
-- when the box is opened on it again and shown in the postmortem. SQLite
-- cannot widen a CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE incident_timeline_v2 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at_ms       INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('alert_fired', 'alert_resolved', 'attribution', 'note', 'state', 'question')),
    link        TEXT,
    summary     TEXT NOT NULL,
    by_whom     TEXT,
    detail      TEXT CHECK (detail IS NULL OR json_valid(detail))
);
INSERT INTO incident_timeline_v2 (seq, incident_id, at_ms, kind, link, summary, by_whom, detail)
    SELECT seq, incident_id, at_ms, kind, link, summary, by_whom, detail FROM incident_timeline;
DROP TABLE incident_timeline;
ALTER TABLE incident_timeline_v2 RENAME TO incident_timeline;
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at_ms);
