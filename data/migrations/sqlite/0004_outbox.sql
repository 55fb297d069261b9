-- The loop from result to owner: a durable outbox of events to announce,
-- their deliveries to each channel, the result page's messages, and where
-- founders came from. Self-contained, and written in SQL that PostgreSQL
-- also reads except for STRICT (drop it there) and INTEGER PRIMARY KEY
-- (BIGINT GENERATED ALWAYS AS IDENTITY there).

-- Where the founder came from (first touch, from the landing page's Start),
-- on the draft and then the assessment; and whether the submit looked
-- automated: such assessments are stored but never announced. booked_at is
-- when the call a booking webhook reported takes place.
ALTER TABLE drafts ADD COLUMN utm_source TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN utm_medium TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN utm_campaign TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN utm_term TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN utm_content TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN referrer_host TEXT NOT NULL DEFAULT '';

ALTER TABLE assessments ADD COLUMN utm_source TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN utm_medium TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN utm_campaign TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN utm_term TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN utm_content TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN referrer_host TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN possibly_automated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessments ADD COLUMN booked_at TEXT;

-- Notes a founder sends the owner from the result page. email is empty
-- unless they consented to be contacted.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    email         TEXT NOT NULL DEFAULT '',
    consent       INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX messages_assessment_id ON messages (assessment_id, created_at);

-- One row per event, written in the same transaction as what it announces.
-- The channels an event goes to are decided when the worker first sees it,
-- so a submit writes this one row and its one index entry, nothing else:
-- the events not yet seen are those after the last one with deliveries.
-- webhook_id is random (128 bits, so unique per event without an index:
-- a UNIQUE index on random text would dirty a random page on every
-- submit), and stable across retries.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    message_id    INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    webhook_id    TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX outbox_assessment_id ON outbox (assessment_id);

-- One event on its way to one channel. A worker claims due rows by setting
-- claim_token and claimed_until (a lease): if it dies, the lease runs out
-- and the row is due again, so a delivery is made at least once.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    outbox_id       INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claim_token     TEXT,
    claimed_until   TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT,
    updated_at      TEXT NOT NULL,
    UNIQUE (outbox_id, channel)
) STRICT;

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_claim_token ON deliveries (claim_token) WHERE claim_token IS NOT NULL;

-- The booking round trip: a click on the result's booking link, and a
-- booking a provider's signed webhook reported. booking_id is the
-- provider's, so a webhook sent twice records one booking.
CREATE TABLE booking_events (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    provider      TEXT NOT NULL DEFAULT '',
    booking_id    TEXT NOT NULL DEFAULT '',
    starts_at     TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX booking_events_assessment_id ON booking_events (assessment_id, created_at);
CREATE UNIQUE INDEX booking_events_booking ON booking_events (provider, booking_id) WHERE booking_id <> '';
