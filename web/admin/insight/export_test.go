package insight

import (
	"context"
	"time"
)

// SetLabDeadline makes the rules lab's re-scores stop after d, for tests
// of a re-score that runs out of time.
func (h *Handler) SetLabDeadline(d time.Duration) { h.lab.deadline = d }

// HoldLab takes the rules lab's one turn, as a check in progress would,
// until release is called; meanwhile another check waits for it up to
// wait.
func (h *Handler) HoldLab(wait time.Duration) (release func()) {
	if !h.lab.take(context.Background(), 0) {
		panic("the rules lab's turn is taken already")
	}
	h.lab.wait = wait
	return h.lab.release
}
