package card_test

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/rules"
)

var outDir = flag.String("cards", "", "write every sample card as PNG into this directory, to look at")

// maxBytes is the most a card may weigh: link previews fetch it cold.
const maxBytes = 150 << 10

func mustDefault(t testing.TB) *assessment.Questionnaire {
	t.Helper()
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("parse default content: %v", err)
	}
	return q
}

// examplesByOutcome finds, for each outcome, the first of the content's own
// examples that reaches it, so each card is drawn from answers the rules
// really score.
func examplesByOutcome(t testing.TB, q *assessment.Questionnaire) map[string]assessment.Example {
	t.Helper()
	out := map[string]assessment.Example{}
	for _, ex := range q.Examples {
		if _, done := out[ex.Expect]; !done {
			out[ex.Expect] = ex
		}
	}
	for _, id := range assessment.OutcomeIDs {
		if _, ok := out[id]; !ok {
			t.Fatalf("no example reaches outcome %q", id)
		}
	}
	return out
}

func resultsByOutcome(t testing.TB, q *assessment.Questionnaire) map[string]assessment.Result {
	t.Helper()
	out := map[string]assessment.Result{}
	for id, ex := range examplesByOutcome(t, q) {
		r := rules.Evaluate(q, ex.Answers)
		if r.Outcome != id {
			t.Fatalf("example %q: outcome %q, want %q", ex.Name, r.Outcome, id)
		}
		out[id] = r
	}
	return out
}

func renderResult(t *testing.T, v card.Result) []byte {
	t.Helper()
	b, err := card.RenderResult(v)
	if err != nil {
		t.Fatalf("RenderResult: %v", err)
	}
	return b
}

// checkCard asserts what every preview needs: a PNG, 1200×630, within budget.
func checkCard(t *testing.T, b []byte) image.Image {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode card: %v", err)
	}
	if format != "png" || cfg.Width != card.Width || cfg.Height != card.Height {
		t.Errorf("card is %s %d×%d, want png %d×%d", format, cfg.Width, cfg.Height, card.Width, card.Height)
	}
	if len(b) > maxBytes {
		t.Errorf("card weighs %d bytes, want at most %d", len(b), maxBytes)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode card: %v", err)
	}
	return img
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

// TestResultCards draws every outcome's card from real answers. With
// -cards=DIR it also writes them out, to be looked at.
func TestResultCards(t *testing.T) {
	q := mustDefault(t)
	for id, r := range resultsByOutcome(t, q) {
		t.Run(id, func(t *testing.T) {
			b := renderResult(t, card.ResultFor(q, r))
			checkCard(t, b)
			save(t, id+".png", b)
		})
	}
}

// TestSameAnswersSameCard: two founders whose scored answers agree get the
// same bytes, whatever they typed in free text, and a different score
// gives a different card.
func TestSameAnswersSameCard(t *testing.T) {
	q := mustDefault(t)
	ex := examplesByOutcome(t, q)[assessment.BookACall]
	if len(ex.Answers["stuck-decision"]) == 0 {
		t.Fatalf("example %q has no free-text answer to vary", ex.Name)
	}
	first := ex.Answers.Clone()
	first["stuck-decision"] = []string{"Whether we enter the German market this year."}
	second := ex.Answers.Clone()
	second["stuck-decision"] = []string{"Something else entirely, typed by a co-founder."}

	a := renderResult(t, card.ResultFor(q, rules.Evaluate(q, first)))
	b := renderResult(t, card.ResultFor(q, rules.Evaluate(q, second)))
	if !bytes.Equal(a, b) {
		t.Errorf("cards for the same scored answers differ (%d and %d bytes)", len(a), len(b))
	}

	if k1, k2 := card.ResultFor(q, rules.Evaluate(q, first)).Key(), card.ResultFor(q, rules.Evaluate(q, second)).Key(); k1 != k2 {
		t.Errorf("keys for the same scored answers differ: %s and %s", k1, k2)
	}

	changed := rules.Evaluate(q, first)
	changed.Criteria[0].Score--
	if c := renderResult(t, card.ResultFor(q, changed)); bytes.Equal(a, c) {
		t.Errorf("a lower score for %q drew the same card", changed.Criteria[0].ID)
	}
	if card.ResultFor(q, changed).Key() == card.ResultFor(q, rules.Evaluate(q, first)).Key() {
		t.Errorf("a lower score for %q kept the same key", changed.Criteria[0].ID)
	}
}

// TestCardsDifferByFamily: the badge differs between families, so cards
// for different verdicts never look alike at a glance.
func TestCardsDifferByFamily(t *testing.T) {
	q := mustDefault(t)
	r := resultsByOutcome(t, q)[assessment.WorthAConversation]
	seen := map[string]card.Family{}
	for _, f := range []card.Family{card.Fit, card.Explore, card.Elsewhere} {
		v := card.ResultFor(q, r)
		v.Family = f
		b := string(renderResult(t, v))
		if other, ok := seen[b]; ok {
			t.Errorf("families %s and %s draw the same card", other, f)
		}
		seen[b] = f
	}
}

func TestFamilyOf(t *testing.T) {
	tests := []struct {
		outcome string
		want    card.Family
	}{
		{assessment.BookACall, card.Fit},
		{assessment.WorthAConversation, card.Explore},
		{assessment.NarrowScope, card.Elsewhere},
		{assessment.HireAPM, card.Elsewhere},
		{assessment.HireFullTime, card.Elsewhere},
		{assessment.DifferentConversation, card.Elsewhere},
		{"an-outcome-from-a-later-version", card.Explore},
	}
	for _, tt := range tests {
		if got := card.FamilyOf(tt.outcome); got != tt.want {
			t.Errorf("FamilyOf(%q) = %q, want %q", tt.outcome, got, tt.want)
		}
	}
}

func TestResultFor(t *testing.T) {
	q := mustDefault(t)
	r := resultsByOutcome(t, q)[assessment.HireAPM]
	v := card.ResultFor(q, r)
	o, _ := q.Outcome(assessment.HireAPM)
	if v.Headline != o.Headline || v.Family != card.Elsewhere || v.Verdict == "" || v.Brand != card.Brand || v.Question != q.Title {
		t.Errorf("ResultFor = %+v, want the hire-a-pm headline, family elsewhere, a verdict, the brand and the title", v)
	}
	count := func(k assessment.CriterionKind) int {
		n := 0
		for _, c := range q.Criteria {
			if c.Kind == k {
				n++
			}
		}
		return n
	}
	want := []struct {
		kind assessment.CriterionKind
		bars int
	}{{assessment.FitSignal, count(assessment.FitSignal)}, {assessment.NotFitSignal, count(assessment.NotFitSignal)}, {assessment.Context, count(assessment.Context)}}
	if len(v.Groups) != len(want) {
		t.Fatalf("ResultFor has %d groups, want %d", len(v.Groups), len(want))
	}
	for i, w := range want {
		if g := v.Groups[i]; g.Kind != w.kind || len(g.Bars) != w.bars || g.Label == "" {
			t.Errorf("group %d = %s %q with %d bars, want %s with %d", i, g.Kind, g.Label, len(g.Bars), w.kind, w.bars)
		}
	}
	// The execution gap decided this result: its bar carries its real score,
	// the most it could reach and both thresholds, lowest first.
	gap := v.Groups[1].Bars[0]
	got, _ := r.Criterion("execution-gap")
	if gap.Label != got.Label || gap.Score != got.Score || gap.Max != got.Max || gap.LevelRank != 2 ||
		len(gap.Thresholds) != 2 || gap.Thresholds[0] != 2 || gap.Thresholds[1] != 4 {
		t.Errorf("execution-gap bar = %+v, want score %d of %d, rank 2, thresholds [2 4]", gap, got.Score, got.Max)
	}
}

// TestLongTextStaysInItsColumn: headlines and verdicts far longer than any
// in the content are shrunk and cut, never drawn into the gutter between
// the words and the panel.
func TestLongTextStaysInItsColumn(t *testing.T) {
	q := mustDefault(t)
	base := card.ResultFor(q, resultsByOutcome(t, q)[assessment.HireAPM])
	tests := []struct{ name, headline, verdict string }{
		{"longest-in-content", longestHeadline(q), base.Verdict},
		{"silly-long", "A product manager will help you more than a fractional leader, and here is a great deal more to say " +
			"about it, and on, and on, until no card could ever hold it all", base.Verdict},
		{"one-giant-word", "Supercalifragilisticexpialidociouslyunderstatedproductleadership fits", base.Verdict},
		{"long-verdict", base.Headline, "A verdict whose words go on well past the width of any badge that fits the column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := base
			v.Headline, v.Verdict = tt.headline, tt.verdict
			b := renderResult(t, v)
			img := checkCard(t, b)
			save(t, tt.name+".png", b)
			paper := img.At(630, 300)
			for y := 20; y < card.Height-20; y++ {
				for x := 616; x < 650; x++ {
					if !sameColour(img.At(x, y), paper) {
						t.Fatalf("pixel (%d,%d) in the gutter is %v, want paper %v: text overflowed", x, y, img.At(x, y), paper)
					}
				}
			}
		})
	}
}

func longestHeadline(q *assessment.Questionnaire) string {
	longest := ""
	for _, o := range q.Outcomes {
		if len(o.Headline) > len(longest) {
			longest = o.Headline
		}
	}
	return longest
}

func sameColour(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

func TestLandingCard(t *testing.T) {
	v := card.LandingFor(mustDefault(t))
	if v.Title == "" || v.Promise == "" || v.Brand != card.Brand {
		t.Fatalf("LandingFor = %+v, want a title, a promise and the brand", v)
	}
	bare, err := card.RenderLanding(v)
	if err != nil {
		t.Fatal(err)
	}
	checkCard(t, bare)
	save(t, "landing-no-owner.png", bare)

	v.OwnerName, v.OwnerTitle = "Gregory Example", "Fractional Head of Product · Nashville"
	owned, err := card.RenderLanding(v)
	if err != nil {
		t.Fatal(err)
	}
	checkCard(t, owned)
	save(t, "landing.png", owned)
	if bytes.Equal(bare, owned) {
		t.Error("the landing card with an owner is the same as without")
	}
	again, _ := card.RenderLanding(v)
	if !bytes.Equal(owned, again) {
		t.Error("the same landing card drew different bytes twice")
	}
}

// TestManyCriteriaStayInThePanel: a content file with twice the criteria
// and long labels still draws every bar inside the panel.
func TestManyCriteriaStayInThePanel(t *testing.T) {
	q := mustDefault(t)
	v := card.ResultFor(q, resultsByOutcome(t, q)[assessment.BookACall])
	for i := range v.Groups {
		g := &v.Groups[i]
		for _, b := range g.Bars {
			b.Label += " and a label that runs on well past the panel's edge"
			g.Bars = append(g.Bars, b)
		}
	}
	b := renderResult(t, v)
	img := checkCard(t, b)
	save(t, "many-criteria.png", b)
	white := color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	// The panel's bottom padding and its right-hand padding stay blank.
	for y := 580; y < 590; y++ {
		for x := 680; x < 1120; x++ {
			if !sameColour(img.At(x, y), white) {
				t.Fatalf("pixel (%d,%d) below the last bar is %v, want the panel's %v", x, y, img.At(x, y), white)
			}
		}
	}
	for y := 60; y < 580; y++ {
		for x := 1116; x < 1130; x++ {
			if !sameColour(img.At(x, y), white) {
				t.Fatalf("pixel (%d,%d) right of the bars is %v, want the panel's %v", x, y, img.At(x, y), white)
			}
		}
	}
}
