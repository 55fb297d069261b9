-- fitcheck:compatible
-- Each time a questionnaire version was put in force, from the rules lab or
-- `fitcheck publish`, oldest first. The row with the highest id is the
-- version every instance serves; with no row, each serves its -questionnaire
-- file (or the built-in one). A roll-back is a row too, of an earlier
-- version. Additive: a binary built before it ignores the table and serves
-- its file.
CREATE TABLE questionnaire_publications (
    id           INTEGER PRIMARY KEY,
    version      TEXT NOT NULL REFERENCES questionnaire_versions (hash),
    replaced     TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('publish', 'roll-back'))
) STRICT;
