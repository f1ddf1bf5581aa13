-- Alert episodes of the live SLO evaluator: one row per firing, with the
-- rule that fired, its windows and threshold, the burn rate that tripped it,
-- and the regions whose own burn crossed the threshold at that moment.
-- `resolved_at_ms` stays NULL while the alert fires.
CREATE TABLE alert_episodes (
    slo             TEXT NOT NULL,
    rule            INTEGER NOT NULL CHECK (rule >= 0),
    severity        TEXT NOT NULL CHECK (severity IN ('page', 'ticket')),
    long_window_ms  INTEGER NOT NULL CHECK (long_window_ms > 0),
    short_window_ms INTEGER NOT NULL CHECK (short_window_ms > 0),
    threshold       REAL NOT NULL,
    pending_at_ms   INTEGER NOT NULL,
    firing_at_ms    INTEGER NOT NULL,
    resolved_at_ms  INTEGER,
    burn_rate       REAL,
    regions         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(regions)),
    PRIMARY KEY (slo, rule, firing_at_ms)
) WITHOUT ROWID;
CREATE INDEX alert_episodes_firing ON alert_episodes (firing_at_ms);
