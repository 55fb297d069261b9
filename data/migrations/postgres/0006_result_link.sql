-- The PostgreSQL twin of sqlite/0006_result_link.sql.
ALTER TABLE outbox ADD COLUMN recipient TEXT;
ALTER TABLE outbox ADD COLUMN recipient_key TEXT;

CREATE INDEX outbox_recipient_key ON outbox (recipient_key, created_at) WHERE recipient_key IS NOT NULL;
