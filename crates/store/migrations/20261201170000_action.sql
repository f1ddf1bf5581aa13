-- The action loop. Notifications wait in an outbox written in the same
-- transaction as the alert transition they announce; a sender delivers
-- them with retries and marks them delivered, so a crash between the commit
-- and the send loses nothing, and the unique key keeps a transition from
-- being queued twice for one target.
CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_ms      INTEGER NOT NULL,
    target          TEXT NOT NULL,
    notice_key      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    notice          TEXT NOT NULL CHECK (json_valid(notice)),
    release_at_ms   INTEGER NOT NULL,
    next_attempt_ms INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    delivered_ms    INTEGER,
    last_error      TEXT,
    UNIQUE (target, notice_key, kind)
);
CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_ms);

-- Approvals of releases that the error-budget policy holds back.
CREATE TABLE policy_approvals (
    release TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at_ms   INTEGER NOT NULL,
    PRIMARY KEY (release, at_ms)
) WITHOUT ROWID;

-- When each policy rule started (and stopped) holding for an SLO:
-- "releases frozen since 10:42".
CREATE TABLE policy_state (
    slo        TEXT NOT NULL,
    rule       TEXT NOT NULL,
    since_ms   INTEGER NOT NULL,
    until_ms   INTEGER,
    reason     TEXT NOT NULL,
    effects    TEXT NOT NULL CHECK (json_valid(effects)),
    PRIMARY KEY (slo, rule, since_ms)
) WITHOUT ROWID;

-- Every gate decision, for the audit trail and the app.
CREATE TABLE gate_decisions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms    INTEGER NOT NULL,
    release  TEXT,
    service  TEXT,
    outcome  TEXT NOT NULL,
    verdict  TEXT NOT NULL CHECK (json_valid(verdict))
);
CREATE INDEX gate_decisions_at ON gate_decisions (at_ms);
