-- The network a draft was started from, as a keyed pseudonym (never the
-- address), so open drafts can be capped per client. Drafts from before
-- this have none ('') and are not counted against anyone.
ALTER TABLE drafts ADD COLUMN client_network TEXT NOT NULL DEFAULT '';

-- Only open drafts (not submitted) are counted, so only they are indexed.
CREATE INDEX drafts_open_by_network ON drafts (client_network, expires_at)
    WHERE assessment_token IS NULL;
