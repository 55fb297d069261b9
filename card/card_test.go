package card_test

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/rules"
)

var outDir = flag.String("cards", "", "write every sample card as PNG into this directory, to look at")

func mustDefault(t testing.TB) *assessment.Questionnaire {
	t.Helper()
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("parse default content: %v", err)
	}
	return q
}

// resultsByOutcome evaluates the content's own examples: one result per
// outcome, as the rules really produce them.
func resultsByOutcome(t testing.TB, q *assessment.Questionnaire) map[string]assessment.Result {
	t.Helper()
	out := map[string]assessment.Result{}
	for _, ex := range q.Examples {
		if _, done := out[ex.Expect]; done {
			continue
		}
		r := rules.Evaluate(q, ex.Answers)
		if r.Outcome != ex.Expect {
			t.Fatalf("example %q: outcome %q, want %q", ex.Name, r.Outcome, ex.Expect)
		}
		out[ex.Expect] = r
	}
	for _, id := range assessment.OutcomeIDs {
		if _, ok := out[id]; !ok {
			t.Fatalf("no example reaches outcome %q", id)
		}
	}
	return out
}

func save(t *testing.T, name string, b []byte) {
	t.Helper()
	if *outDir == "" {
		return
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*outDir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSamples(t *testing.T) {
	q := mustDefault(t)
	for id, r := range resultsByOutcome(t, q) {
		b, err := card.RenderResult(card.ResultFor(q, r))
		if err != nil {
			t.Fatalf("RenderResult(%s): %v", id, err)
		}
		save(t, id+".png", b)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		_ = img
	}
}

func TestLandingSample(t *testing.T) {
	v := card.LandingFor(mustDefault(t))
	v.OwnerName, v.OwnerTitle = "Gregory Example", "Fractional Head of Product · Nashville"
	b, err := card.RenderLanding(v)
	if err != nil {
		t.Fatal(err)
	}
	save(t, "landing.png", b)
}
