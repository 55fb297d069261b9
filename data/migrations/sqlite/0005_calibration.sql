-- What the owner found to be true after a first call, recorded against the
-- outcome the rules predicted: fit, not a fit (with the outcome they needed
-- instead), or no call happened. One per assessment; it goes with it.
CREATE TABLE calibrations (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments (id) ON DELETE CASCADE,
    verdict       TEXT NOT NULL CHECK (verdict IN ('fit', 'not-fit', 'no-call')),
    needed        TEXT NOT NULL DEFAULT '',
    recorded_at   TEXT NOT NULL
) STRICT;
