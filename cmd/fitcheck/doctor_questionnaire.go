package main

import (
	"context"
	"fmt"

	"sessionplayer.studio/fitcheck/rules"
)

// checkQuestionnaireInForce says which questionnaire new founders answer:
// the configured file (-questionnaire, or the built-in one) until a version
// is published in the database, then that version, whatever the file. It
// is a problem only when the published version cannot be served by this
// build (the server then keeps serving its file).
func checkQuestionnaireInForce(ctx context.Context, d *doctorRun) []string {
	store, err := d.openStore(ctx)
	if err != nil {
		return nil // the database check says what is wrong with it
	}
	file, err := loadQuestionnaire(d.cfg.Questionnaire)
	if err != nil {
		return nil // the configuration check says what is wrong with it
	}
	source := "the built-in questionnaire"
	if d.cfg.Questionnaire != "" {
		source = "-questionnaire " + d.cfg.Questionnaire
	}
	q, p, err := questionnaireInForce(ctx, store, d.cfg.Questionnaire)
	switch {
	case p == nil && err == nil:
		d.note(fmt.Sprintf("nothing is published, so %s (version %s) is in force", source, file.Version[:12]))
		return nil
	case err != nil:
		return []string{fmt.Sprintf("%v; the server serves %s instead: publish a version this build can read (fitcheck publish FILE)", err, source)}
	}
	if failures := rules.CheckExamples(q); len(failures) > 0 {
		return []string{fmt.Sprintf("the published version %s fails %d of its examples under this build: publish a version whose examples pass (fitcheck publish FILE)", p.Version[:12], len(failures))}
	}
	when := p.At.UTC().Format("2006-01-02 15:04 UTC")
	if p.Version == file.Version {
		d.note(fmt.Sprintf("version %s, published by %s on %s, the same as %s", p.Version[:12], p.By, when, source))
		return nil
	}
	d.note(fmt.Sprintf("version %s, published by %s on %s, is in force; %s (version %s) is not served while it is: "+
		"publish the file (fitcheck publish FILE) or put it back in force from /admin/versions to serve it",
		p.Version[:12], p.By, when, source, file.Version[:12]))
	return nil
}
