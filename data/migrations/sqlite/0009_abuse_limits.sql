-- fitcheck:compatible
-- Limits that hold across instances, counted in the database (issue 22).
-- Purely additive (two columns with defaults and a partial index), so
-- binaries built before it keep working on a database that has it.

-- The address a draft was stored from, as a keyed pseudonym (never the
-- address), so open drafts are capped per address well below the cap per
-- network: a few addresses cannot fill their network's cap for everyone
-- else in it. Drafts from before this have none ('') and are counted only
-- against their network. They are counted among their network's open
-- drafts (drafts_open_by_network), so they need no index of their own.
ALTER TABLE drafts ADD COLUMN client_address TEXT NOT NULL DEFAULT '';

-- "Email me the link": who asked, as a keyed pseudonym of their network,
-- counted per client for a day and then cleared, like recipient_key
-- (ForgetLinkRecipientKeys). NULL on every other event, so the partial
-- index costs a submit nothing.
ALTER TABLE outbox ADD COLUMN client_key TEXT;

CREATE INDEX outbox_client_key ON outbox (client_key, created_at) WHERE client_key IS NOT NULL;
