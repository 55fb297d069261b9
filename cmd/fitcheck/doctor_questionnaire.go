package main

import (
	"context"
	"fmt"
	"slices"

	"sessionplayer.studio/fitcheck/rules"
)

// publicationsMigration is the migration that adds the table of published
// versions: a database without it has nothing published yet.
const publicationsMigration = 10

// checkQuestionnaireInForce says which questionnaire new founders answer:
// the configured file (-questionnaire, or the built-in one) until a version
// is published in the database, then that version, whatever the file. It
// is a problem only when the published version cannot be served by this
// build (the server then keeps serving its file). Like every check, it
// only reads.
func checkQuestionnaireInForce(ctx context.Context, d *doctorRun) {
	const area = "questionnaire in force"
	file, err := loadQuestionnaire(d.cfg.Questionnaire)
	if err != nil {
		return // the configuration check says what is wrong with it
	}
	source := "the built-in questionnaire"
	if d.cfg.Questionnaire != "" {
		source = "-questionnaire " + d.cfg.Questionnaire
	}
	nothingPublished := fmt.Sprintf("nothing is published, so %s (version %s) is in force", source, file.Version[:12])
	if d.store == nil {
		return // no database yet, or one the database check reported on
	}
	st, err := d.store.Migrations(ctx)
	if err != nil {
		return // the database check says what is wrong with it
	}
	if !slices.Contains(st.Applied, publicationsMigration) {
		d.r.note(area, nothingPublished)
		return
	}
	q, p, err := questionnaireInForce(ctx, d.store, d.cfg.Questionnaire)
	switch {
	case p == nil && err == nil:
		d.r.note(area, nothingPublished)
		return
	case err != nil:
		d.r.fix(area, fmt.Sprintf("%v; the server serves %s instead: publish a version this build can read (fitcheck publish FILE)", err, source))
		return
	}
	if failures := rules.CheckExamples(q); len(failures) > 0 {
		d.r.fix(area, fmt.Sprintf("the published version %s fails %d of its examples under this build: publish a version whose examples pass (fitcheck publish FILE)", p.Version[:12], len(failures)))
		return
	}
	when := p.At.UTC().Format("2006-01-02 15:04 UTC")
	if p.Version == file.Version {
		d.r.note(area, fmt.Sprintf("version %s, published by %s on %s, the same as %s", p.Version[:12], p.By, when, source))
		return
	}
	d.r.note(area, fmt.Sprintf("version %s, published by %s on %s, is in force; %s (version %s) is not served while it is: "+
		"publish the file (fitcheck publish FILE) or put it back in force from /admin/versions to serve it",
		p.Version[:12], p.By, when, source, file.Version[:12]))
}
