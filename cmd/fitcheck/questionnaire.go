package main

import (
	"context"
	"log/slog"
	"time"

	"sessionplayer.studio/fitcheck/web/page"
)

// questionnairePoll is how often each instance reads which questionnaire
// version is in force: a version published through one instance (or with
// `fitcheck publish`) is served by every other within this interval. The
// read is one primary-key lookup, so a short interval costs nothing worth
// measuring; it also works the same on SQLite and PostgreSQL, where
// LISTEN/NOTIFY would need a connection of its own and still a poll behind
// it for a dropped connection.
const questionnairePoll = 2 * time.Second

// followQuestionnaire says at start which questionnaire is in force and
// why, then keeps following the version in force until ctx ends.
func followQuestionnaire(ctx context.Context, forms *page.Questionnaires, file string, log *slog.Logger) {
	logQuestionnaireInForce(forms.InForce(), forms.File().Version, file, log)
	go forms.Follow(ctx, questionnairePoll)
}

// logQuestionnaireInForce tells the operator which questionnaire new
// founders answer: the file the server was started with, or a version
// published in the database, which wins over the file until another is
// published (docs/questionnaire.md, "Publishing").
func logQuestionnaireInForce(in page.InForce, fileVersion, file string, log *slog.Logger) {
	source := "the built-in questionnaire"
	if file != "" {
		source = "-questionnaire " + file
	}
	p := in.Publication
	switch {
	case p == nil:
		log.Info("questionnaire in force: nothing is published, so "+source+" is",
			slog.String("questionnaire_version", in.Q.Version[:12]))
	case p.Version == fileVersion:
		log.Info("questionnaire in force: the version published in the database, the same as "+source,
			slog.String("questionnaire_version", p.Version[:12]), slog.String("published_by", p.By), slog.Time("published_at", p.At))
	default:
		log.Warn("questionnaire in force: the version published in the database, not "+source+
			", which is only the default until something is published; to serve the file, publish it (fitcheck publish FILE) "+
			"or put it back in force from /admin/versions",
			slog.String("questionnaire_version", p.Version[:12]), slog.String("published_by", p.By), slog.Time("published_at", p.At),
			slog.String("file_version", fileVersion[:12]))
	}
}
