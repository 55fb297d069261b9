-- The owner's review area: accounts, server-side sessions, follow-up status,
-- private notes, and an anonymous funnel.

CREATE TABLE owners (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- Keyed by the SHA-256 of the session id: the id itself is only ever in
-- the owner's cookie.
CREATE TABLE owner_sessions (
    id_hash      TEXT PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;

CREATE INDEX owner_sessions_owner_id ON owner_sessions (owner_id);

ALTER TABLE assessments ADD COLUMN status TEXT NOT NULL DEFAULT 'new';

CREATE INDEX assessments_outcome ON assessments (outcome, created_at);
CREATE INDEX assessments_status ON assessments (status, created_at);

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    author        TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX notes_assessment_id ON notes (assessment_id, created_at);

-- One row per anonymous visitor per step reached. The visitor is a hash of
-- the draft id: nothing personal, no addresses.
CREATE TABLE step_views (
    visitor    TEXT NOT NULL,
    step       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (visitor, step)
) STRICT, WITHOUT ROWID;

CREATE INDEX step_views_created_at ON step_views (created_at);
