package insight

import (
	"fmt"
	"math"
)

// minCallsToJudge is the fewest calls after which the dashboard gives a
// share right with its interval. Below it the 95% Wilson interval is wider
// than the difference an owner would act on: even 5 right of 5 spans 57% to
// 100%, and 3 of 5 spans 23% to 88%; from 10 calls a clean record's interval
// (10 of 10: 72% to 100%) no longer reaches a coin toss. docs/questionnaire.md
// says the same.
const minCallsToJudge = 10

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// wilson is the 95% Wilson score interval for right successes out of n
// trials: unlike the plain p ± z·√(p(1−p)/n), it stays inside 0..1 and
// keeps a sensible width when n is small or the share is near 0 or 1.
func wilson(right, n int) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	p := float64(right) / float64(n)
	z2 := z95 * z95
	nf := float64(n)
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / denom
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// rightness is how often the rules' predictions held, as the dashboard
// words it.
type rightness struct {
	Right, Called int
	// TooFew: fewer calls than minCallsToJudge; only the counts are shown.
	TooFew bool
	Share  string // "58%"
	Low    string // "32%": the 95% interval's ends
	High   string
}

func newRightness(right, called int) rightness {
	r := rightness{Right: right, Called: called, TooFew: called < minCallsToJudge}
	if called == 0 || r.TooFew {
		return r
	}
	low, high := wilson(right, called)
	r.Share, r.Low, r.High = percent(float64(right)/float64(called)), percent(low), percent(high)
	return r
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", math.Round(f*100)) }
