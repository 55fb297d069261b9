-- "Email me the link": a result.link event carries the address the founder
-- asked their share link to be sent to, until the e-mail is delivered or
-- finally fails (data.MarkDelivered and FailDelivery erase it).
-- recipient_key is a keyed pseudonym of the address that counts the
-- requests to one address for a day, and is then cleared
-- (ForgetLinkRecipientKeys). Both are NULL on every other event, so the
-- partial index costs a submit nothing.
ALTER TABLE outbox ADD COLUMN recipient TEXT;
ALTER TABLE outbox ADD COLUMN recipient_key TEXT;

CREATE INDEX outbox_recipient_key ON outbox (recipient_key, created_at) WHERE recipient_key IS NOT NULL;
