package data

import (
	"context"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// SubmitDraft stores the assessment made from a draft and marks the draft
// submitted. If the draft was already submitted (a double click, a resent
// form) nothing new is stored and the first submission's token is returned,
// so one draft never makes two rows. It returns once the row is committed to
// disk. If ctx ends first the caller gets ctx's error, but the submit may
// still commit; submitting the same draft again then finds its token.
//
// A newly stored assessment writes its outbox event (assessment.created) in
// the same transaction, unless it is PossiblyAutomated: those are stored but
// never announced.
//
// views are funnel rows to record with the submit (its "finished" row), in
// the same transaction: the visitor waits for one commit, not two, and the
// funnel's finishes match the stored submits exactly.
func (s *Store) SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment, views ...assessment.StepView) (string, error) {
	// Checked before queueing: an error inside the batch that is not the
	// database's would fail every write sharing the commit.
	for _, v := range views {
		if v.Step < 0 {
			return "", fmt.Errorf("submit draft: funnel step %d is negative", v.Step)
		}
	}
	// Made before queueing, so the writer does nothing but write.
	webhookID, err := newWebhookID()
	if err != nil {
		return "", fmt.Errorf("submit draft: %w", err)
	}
	var token string
	// Everything that can refuse this submit alone (the draft gone, a
	// token taken) happens before its first change: see submitInTx.
	err = s.writeGuardedByOrder(ctx, func(ctx context.Context, q execQueryer) error {
		submitted, created, err := submitInTx(ctx, s.d, q, draftID, a)
		if err != nil {
			return err
		}
		token = submitted
		if created && !a.PossiblyAutomated {
			// The announcement commits with the assessment or not at all.
			if err := insertEvent(ctx, q, assessment.EventAssessmentCreated, a.ID, 0, webhookID, a.CreatedAt); err != nil {
				return afterFirstChange(err)
			}
		}
		// ON CONFLICT DO NOTHING: a resubmitted draft's finished row is
		// already there, and a first submit's has just been written.
		if err := insertStepViews(ctx, q, views); err != nil {
			if created {
				return afterFirstChange(err)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("submit draft: %w", err)
	}
	return token, nil
}
