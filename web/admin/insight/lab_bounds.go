package insight

import (
	"context"
	"strconv"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// The rules lab runs a candidate's rules on every stored assessment, work
// the owner's file decides. assessment.Parse bounds the file (its size with
// aliases expanded, its conditions); here the re-score is bounded in time
// and in number: it stops at labDeadline and says how far it got, and only
// one runs at a time, so a costly candidate takes at most one core from
// the visitors, never two.

// labDeadline is how long a re-score may run: well inside the server's
// 30 s write timeout, so the owner always gets the page.
const labDeadline = 10 * time.Second

// labDeadlineSeconds is labDeadline as the lab page says it.
func labDeadlineSeconds() string { return strconv.Itoa(int(labDeadline / time.Second)) }

// labRuns lets one re-score run at a time, each until its deadline.
type labRuns struct {
	turn     chan struct{}
	deadline time.Duration
}

func newLabRuns() *labRuns {
	return &labRuns{turn: make(chan struct{}, 1), deadline: labDeadline}
}

// take reports whether the turn was free, taking it; release gives it back.
func (l *labRuns) take() bool {
	select {
	case l.turn <- struct{}{}:
		return true
	default:
		return false
	}
}

func (l *labRuns) release() { <-l.turn }

// rescore re-scores sets under q until the deadline.
func (l *labRuns) rescore(ctx context.Context, q *assessment.Questionnaire, sets []assessment.AnswerSet) rules.Rescore {
	ctx, cancel := context.WithTimeout(ctx, l.deadline)
	defer cancel()
	return rules.RescoreUntil(q, sets, ctx.Done())
}
