package insight

import (
	"math"
	"testing"
)

// TestWilsonKnownValues: the interval matches published values (Newcombe
// 1998, "Two-sided confidence intervals for the single proportion", table
// I, method 3) and hand-worked small cases, to four decimals.
func TestWilsonKnownValues(t *testing.T) {
	for _, tc := range []struct {
		right, n  int
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
		{5, 10, 0.2366, 0.7634},
		{10, 10, 0.7225, 1},
		{5, 5, 0.5655, 1},
		{3, 5, 0.2307, 0.8824},
	} {
		low, high := wilson(tc.right, tc.n)
		if math.Abs(low-tc.low) > 0.00005 || math.Abs(high-tc.high) > 0.00005 {
			t.Errorf("wilson(%d, %d) = %.4f–%.4f, want %.4f–%.4f", tc.right, tc.n, low, high, tc.low, tc.high)
		}
	}
	if low, high := wilson(0, 0); low != 0 || high != 1 {
		t.Errorf("wilson(0, 0) = %v–%v, want 0–1 (nothing known)", low, high)
	}
}

// TestRightnessNeedsEnoughCalls: below minCallsToJudge only the counts are
// given; from it on, the share and its interval.
func TestRightnessNeedsEnoughCalls(t *testing.T) {
	for _, tc := range []struct {
		right, called int
		want          rightness
	}{
		{0, 0, rightness{TooFew: true}},
		{9, 9, rightness{Right: 9, Called: 9, TooFew: true}},
		{9, 10, rightness{Right: 9, Called: 10, Share: "90%", Low: "60%", High: "98%"}},
		{9, 12, rightness{Right: 9, Called: 12, Share: "75%", Low: "47%", High: "91%"}},
	} {
		if got := newRightness(tc.right, tc.called); got != tc.want {
			t.Errorf("newRightness(%d, %d) = %+v, want %+v", tc.right, tc.called, got, tc.want)
		}
	}
}
