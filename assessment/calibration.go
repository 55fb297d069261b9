package assessment

import (
	"fmt"
	"slices"
	"time"
)

// Verdict is what the owner found to be true after a first call.
type Verdict string

// The calibration verdicts.
const (
	VerdictFit    Verdict = "fit"     // they needed fractional product leadership
	VerdictNotFit Verdict = "not-fit" // they needed something else: Calibration.Needed
	VerdictNoCall Verdict = "no-call" // no call happened, so nothing to learn
)

// NeededInstead lists the outcomes a founder can turn out to have needed
// when a fractional engagement was not it.
var NeededInstead = []string{NarrowScope, HireAPM, DifferentConversation, HireFullTime}

// Calibration records whether the rules' prediction held up.
type Calibration struct {
	AssessmentID int64
	Verdict      Verdict
	Needed       string // for VerdictNotFit: one of NeededInstead
	RecordedAt   time.Time
}

// Check reports what is wrong with a calibration the owner sent.
func (c Calibration) Check() error {
	switch c.Verdict {
	case VerdictFit, VerdictNoCall:
		if c.Needed != "" {
			return fmt.Errorf("calibration %s cannot name a needed outcome", c.Verdict)
		}
	case VerdictNotFit:
		if !slices.Contains(NeededInstead, c.Needed) {
			return fmt.Errorf("calibration not-fit needs one of %v, not %q", NeededInstead, c.Needed)
		}
	default:
		return fmt.Errorf("unknown calibration verdict %q", c.Verdict)
	}
	return nil
}

// Recorded is the outcome the call showed they needed: book-a-call for a
// fit, the needed outcome otherwise, "" when no call happened.
func (c Calibration) Recorded() string {
	switch c.Verdict {
	case VerdictFit:
		return BookACall
	case VerdictNotFit:
		return c.Needed
	}
	return ""
}

// CalibrationCount is how many assessments the rules predicted as
// Predicted that the owner recorded as Verdict (and Needed).
type CalibrationCount struct {
	Predicted string
	Rule      string // the rule that decided, where counted per rule
	Verdict   Verdict
	Needed    string
	Count     int
}
