-- Each distinct questionnaire file, stored once by content hash, so a result
-- always renders from the version it was answered against.
CREATE TABLE questionnaire_versions (
    hash       TEXT PRIMARY KEY,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Assessments in progress. The id lives only in the visitor's encrypted
-- session cookie; answers stay here, never in the cookie.
CREATE TABLE drafts (
    id                    TEXT PRIMARY KEY,
    questionnaire_version TEXT NOT NULL REFERENCES questionnaire_versions (hash),
    answers               TEXT NOT NULL,
    reached               INTEGER NOT NULL DEFAULT 0,
    assessment_token      TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    expires_at            TEXT NOT NULL
) STRICT;

CREATE INDEX drafts_expires_at ON drafts (expires_at);

-- Submitted assessments. Contact columns are empty unless the visitor
-- consented to be contacted.
CREATE TABLE assessments (
    id                    INTEGER PRIMARY KEY,
    token                 TEXT NOT NULL UNIQUE,
    questionnaire_version TEXT NOT NULL REFERENCES questionnaire_versions (hash),
    outcome               TEXT NOT NULL,
    answers               TEXT NOT NULL,
    result                TEXT NOT NULL,
    contact_name          TEXT NOT NULL DEFAULT '',
    contact_email         TEXT NOT NULL DEFAULT '',
    contact_company       TEXT NOT NULL DEFAULT '',
    contact_role          TEXT NOT NULL DEFAULT '',
    consent               INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

CREATE INDEX assessments_created_at ON assessments (created_at);
