package visitor

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// funnel numbers the steps of the questionnaire in force for the owner's
// funnel (assessment.Funnel holds the numbering).
func (d *Drafts) funnel() assessment.Funnel {
	return assessment.FunnelOf(d.forms.Current())
}

// count counts a visitor reaching a funnel step. The visitor is a hash of
// the draft id: anonymous, and nothing from the request. A failure here
// costs a funnel count, never the visitor's page.
func (d *Drafts) count(r *http.Request, draft *assessment.Draft, step int) {
	if err := d.store.RecordStepView(r.Context(), funnelVisitor(draft), step, d.now().UTC()); err != nil {
		d.log.WarnContext(r.Context(), "record step view", slog.Int("step", step), slog.Any("error", err))
	}
}

// Finished is the funnel's "finished" row for a draft submitted at at. It
// is written with the submit itself (data.SubmitDraft), so it stands or
// falls with it.
func (d *Drafts) Finished(draft *assessment.Draft, at time.Time) assessment.StepView {
	return assessment.StepView{Visitor: funnelVisitor(draft), Step: d.funnel().Finished(), At: at}
}

// funnelVisitor is the funnel's pseudonym for a draft's visitor: it links
// their steps to each other and to nothing else.
func funnelVisitor(draft *assessment.Draft) string {
	sum := sha256.Sum256([]byte("funnel:" + draft.ID))
	return hex.EncodeToString(sum[:])[:32]
}
