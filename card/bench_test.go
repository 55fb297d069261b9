package card_test

import (
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
)

// BenchmarkRenderResult is the ≤ 50 ms budget for drawing and encoding one
// result card. Besides wall time per card it reports the CPU time the
// process spent per card (cpu-ms/op), garbage collection included, and the
// card's size.
func BenchmarkRenderResult(b *testing.B) {
	q := mustDefault(b)
	v := card.ResultFor(q, resultsByOutcome(b, q)[assessment.HireAPM])
	benchmarkRender(b, func() ([]byte, error) { return card.RenderResult(v) })
}

// BenchmarkRenderLanding is the same budget for the landing page's card.
func BenchmarkRenderLanding(b *testing.B) {
	v := card.LandingFor(mustDefault(b))
	v.OwnerName, v.OwnerTitle = "Gregory Example", "Fractional Head of Product"
	benchmarkRender(b, func() ([]byte, error) { return card.RenderLanding(v) })
}

func benchmarkRender(b *testing.B, render func() ([]byte, error)) {
	b.ReportAllocs()
	size := 0
	start, cpuOK := processCPU()
	for b.Loop() {
		png, err := render()
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	if end, ok := processCPU(); ok && cpuOK {
		b.ReportMetric(float64(end-start)/1e6/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(size), "bytes/card")
}
