-- fitcheck:compatible
-- The review desk as history grows: what its list, search, filters and
-- dashboard read, kept where an index can serve it, so a page reads tens of
-- index entries rather than every assessment (docs/performance.md, "The
-- desk at 100,000 assessments"). Purely additive: new columns with
-- defaults, their backfill, new indexes.
--
-- person is who took it, for grouping retakes: the consented e-mail,
-- case-folded as Go folds it (NULL when anonymous: each stands alone).
-- latest says it is the newest take of its person (always 1 when
-- anonymous); the store keeps it right on submit, delete and retention.
-- messaged says the founder wrote from their result (the call-first order
-- lifts those). search_text is name, e-mail and company, case-folded, one
-- per line, what the review search matches. rule_id is the id of the rule
-- that decided (the result's "rule"), which the dashboard's per-rule
-- calibration table reads: parsing each calibrated result for it cost more
-- than the rest of the dashboard at 100,000. The store sets it on every new
-- assessment and, when an older one is calibrated, on that one. The store sets all four when
-- it writes; contact details never change after a submit. A release from
-- before this migration keeps working beside it (it neither reads nor
-- writes these); what it changes meanwhile, the next release's hourly
-- sweep marks (data.Store.CatchUpDesk).
ALTER TABLE assessments ADD COLUMN person TEXT;
ALTER TABLE assessments ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;
ALTER TABLE assessments ADD COLUMN messaged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessments ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN rule_id TEXT;

UPDATE assessments SET
    person = CASE WHEN contact_email <> '' THEN unicode_lower(contact_email) END,
    search_text = unicode_lower(contact_name || char(10) || contact_email || char(10) || contact_company)
  WHERE consent;

-- A person's takes, newest last, with what a filter, the search and the
-- list's orders read: retakes, the search and the "waiting" count read
-- this index alone. Only consented assessments have a person or words to
-- search.
CREATE INDEX assessments_person ON assessments
    (person, created_at, id, consent, latest, outcome, status, possibly_automated, messaged, search_text)
    WHERE consent;

UPDATE assessments SET latest = 0
  WHERE consent AND person IS NOT NULL AND EXISTS (
    SELECT 1 FROM assessments b
    WHERE b.consent AND b.person = assessments.person
      AND (b.created_at > assessments.created_at OR (b.created_at = assessments.created_at AND b.id > assessments.id)));

UPDATE assessments SET messaged = 1 WHERE id IN (SELECT assessment_id FROM messages);
UPDATE assessments SET rule_id = coalesce(json_extract(result, '$.rule'), '')
  WHERE id IN (SELECT assessment_id FROM calibrations);

-- Every assessment by date with the small columns the list filters and
-- sorts on: the assessments table keeps them after the answers and the
-- result, in overflow pages, so a scan of the table reads every byte.
CREATE INDEX assessments_desk ON assessments
    (created_at, id, outcome, status, consent, possibly_automated, messaged, latest, person);

-- What a re-score reads of every assessment (the rules lab, fitcheck
-- rescore), in id order: the answers come early in a row, but the date
-- comes after the result, so reading the table walks each row's overflow
-- pages; this index is a twentieth of the table's size. (PostgreSQL keeps
-- the result apart, compressed, and its index entries have a size limit a
-- long text answer could pass: it reads the table.) The dashboard's
-- calibration tables look their assessments' outcome and rule up in it.
CREATE INDEX assessments_answer_sets ON assessments (id, outcome, rule_id, created_at, answers);

-- The list's two computed orders over each person's latest take, so a page
-- of either is read in order. The expressions must read exactly as
-- data.callFirstKey and data.outcomeKey, or the planner will not match them.
CREATE INDEX assessments_call_first ON assessments ((CASE WHEN consent AND status = 'new' AND NOT possibly_automated THEN 0 ELSE 10 END + CASE outcome WHEN 'book-a-call' THEN 0 WHEN 'worth-a-conversation' THEN 1 WHEN 'different-conversation' THEN CASE WHEN messaged THEN 2 ELSE 6 END WHEN 'narrow-scope' THEN 3 WHEN 'hire-full-time' THEN 4 WHEN 'hire-a-pm' THEN 5 ELSE 6 END), created_at DESC, id DESC)
    WHERE latest;
CREATE INDEX assessments_by_outcome ON assessments ((CASE outcome WHEN 'book-a-call' THEN 0 WHEN 'worth-a-conversation' THEN 1 WHEN 'different-conversation' THEN 2 WHEN 'narrow-scope' THEN 3 WHEN 'hire-full-time' THEN 4 WHEN 'hire-a-pm' THEN 5 ELSE 6 END), created_at DESC, id DESC)
    WHERE latest;
