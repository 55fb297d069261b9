package insight

import "time"

// SetLabDeadline makes the rules lab's re-scores stop after d, for tests
// of a re-score that runs out of time.
func (h *Handler) SetLabDeadline(d time.Duration) { h.lab.deadline = d }

// HoldLab takes the rules lab's one turn, as a re-score in progress would,
// until release is called.
func (h *Handler) HoldLab() (release func()) {
	if !h.lab.take() {
		panic("the rules lab's turn is taken already")
	}
	return h.lab.release
}
