package web

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
)

// funnel numbers the steps of the questionnaire in force for the owner's
// funnel (assessment.Funnel holds the numbering).
func (s *Server) funnel() assessment.Funnel {
	return assessment.FunnelOf(s.forms.Current())
}

// recordStep counts a visitor reaching a funnel step. The visitor is a hash
// of the draft id: anonymous, and nothing from the request. A failure here
// costs a funnel count, never the visitor's page. (A submit's "finished"
// row is written with the submit itself, so it stands or falls with it.)
func (s *Server) recordStep(r *http.Request, d *assessment.Draft, step int) {
	if err := s.store.RecordStepView(r.Context(), funnelVisitor(d), step, s.now().UTC()); err != nil {
		s.log.WarnContext(r.Context(), "record step view", slog.Int("step", step), slog.Any("error", err))
	}
}

// funnelVisitor is the funnel's pseudonym for a draft's visitor: it links
// their steps to each other and to nothing else.
func funnelVisitor(d *assessment.Draft) string {
	sum := sha256.Sum256([]byte("funnel:" + d.ID))
	return hex.EncodeToString(sum[:])[:32]
}
