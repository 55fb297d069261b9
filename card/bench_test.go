package card_test

import (
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
)

// BenchmarkRenderResult is the ≤ 50 ms budget for drawing and encoding one
// result card (the slowest family to draw is as fast as any other).
func BenchmarkRenderResult(b *testing.B) {
	q := mustDefault(b)
	v := card.ResultFor(q, resultsByOutcome(b, q)[assessment.HireAPM])
	b.ReportAllocs()
	var size int
	for b.Loop() {
		png, err := card.RenderResult(v)
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "bytes/card")
}

// BenchmarkRenderLanding is the same budget for the landing page's card.
func BenchmarkRenderLanding(b *testing.B) {
	v := card.LandingFor(mustDefault(b))
	v.OwnerName, v.OwnerTitle = "Gregory", "Fractional Head of Product"
	b.ReportAllocs()
	var size int
	for b.Loop() {
		png, err := card.RenderLanding(v)
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "bytes/card")
}
