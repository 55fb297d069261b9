-- fitcheck:compatible
-- Where a founder stands: each result's criterion scores again, as
-- "id=score;id=score", beside the result they come from, with an index
-- that holds them. A version's figures are then counted from the index
-- alone (data.BenchmarkOf) instead of from every stored result's JSON
-- (docs/performance.md has the figures). Results stored before this
-- migration are filled in here; a row an older binary inserts meanwhile
-- keeps '' and is read from its JSON instead.
ALTER TABLE assessments ADD COLUMN criterion_scores TEXT NOT NULL DEFAULT '';

UPDATE assessments SET criterion_scores = coalesce((
    SELECT group_concat(json_extract(c.value, '$.id') || '=' || json_extract(c.value, '$.score'), ';')
    FROM json_each(assessments.result, '$.criteria') AS c), '');

CREATE INDEX assessments_benchmark ON assessments (questionnaire_version, possibly_automated, created_at, criterion_scores);
