package assessment

import "time"

// StepView is one anonymous visitor opening a step (or finishing), for the
// funnel. Visitor is a pseudonym, never the draft id or an address.
type StepView struct {
	Visitor string
	Step    int
	At      time.Time
}

// FunnelStep is how many visitors opened a step. Step 0 is Start pressed;
// steps count from 1 as in the URL; the finish is recorded as the step
// after the last.
type FunnelStep struct {
	Step     int
	Visitors int
}

// Funnel numbers the steps a visitor passes, for the owner's funnel: 0 is
// Start pressed, 1 to Steps are the question steps as in their URLs, then
// the contact step, then the finish. Every count of the funnel goes by it.
type Funnel struct {
	Steps int // question steps in the questionnaire
}

// FunnelOf is the funnel of q.
func FunnelOf(q *Questionnaire) Funnel { return Funnel{Steps: len(q.Steps)} }

// Started is the number recorded when a visitor presses Start.
func (f Funnel) Started() int { return 0 }

// Step is the number recorded when a visitor opens the step at index idx
// (0-based; idx == Steps is the contact step).
func (f Funnel) Step(idx int) int { return idx + 1 }

// Contact is the number of the contact step.
func (f Funnel) Contact() int { return f.Steps + 1 }

// Finished is the number recorded with a submit.
func (f Funnel) Finished() int { return f.Steps + 2 }
