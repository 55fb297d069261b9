-- fitcheck:compatible
-- The PostgreSQL twin of sqlite/0009_abuse_limits.sql: limits that hold
-- across instances, counted in the database. Purely additive.
ALTER TABLE drafts ADD COLUMN client_address TEXT NOT NULL DEFAULT '';

ALTER TABLE outbox ADD COLUMN client_key TEXT;

CREATE INDEX outbox_client_key ON outbox (client_key, created_at) WHERE client_key IS NOT NULL;
