package insight

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// The rules lab runs a candidate's rules on every stored assessment, work
// the owner's file decides. assessment.Parse bounds the file (its size with
// aliases expanded, its conditions); here the check is bounded in time and
// in number: only one runs at a time, parsing included (another waits its
// turn for up to labWait, then is refused), so a costly candidate takes at
// most one core from the visitors, never two; and the re-score stops at
// labDeadline and says how far it got.

// labDeadline is how long a re-score may run: well inside the server's
// 30 s write timeout, so the owner always gets the page.
const labDeadline = 10 * time.Second

// labDeadlineSeconds is labDeadline as the lab page says it.
func labDeadlineSeconds() string { return strconv.Itoa(int(labDeadline / time.Second)) }

// labRuns lets one check run at a time, its re-score until its deadline.
type labRuns struct {
	turn     chan struct{}
	wait     time.Duration // for the turn
	deadline time.Duration // of a re-score
}

func newLabRuns() *labRuns {
	return &labRuns{turn: make(chan struct{}, 1), wait: labWait, deadline: labDeadline}
}

// labWait is how long a check waits for the one running before it: the
// owner's second tab is answered after the first, rather than refused,
// and still well inside the write timeout (a wait, a deadline, a render).
const labWait = 12 * time.Second

// take waits up to wait for the turn, reporting whether it got it;
// release gives it back. Waiting costs no CPU: a second check runs after
// the first, never beside it.
func (l *labRuns) take(ctx context.Context, wait time.Duration) bool {
	select {
	case l.turn <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case l.turn <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (l *labRuns) release() { <-l.turn }

// rescore re-scores under q the stored answer sets each streams, until
// the deadline: past it the stream is cut and the result says how many it
// covered.
func (l *labRuns) rescore(ctx context.Context, q *assessment.Questionnaire,
	each func(context.Context, func(assessment.AnswerSet) error) error) (rules.Rescore, error) {
	ctx, cancel := context.WithTimeout(ctx, l.deadline)
	defer cancel()
	rs := rules.NewRescorer(q)
	err := each(ctx, func(set assessment.AnswerSet) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rs.Add(set)
		return nil
	})
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		rs.Stop()
		err = nil
	}
	if err != nil {
		return rules.Rescore{}, fmt.Errorf("re-score stored assessments: %w", err)
	}
	return rs.Result(), nil
}
