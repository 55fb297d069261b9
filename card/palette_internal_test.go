package card

import (
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// TestPaletteKeepsTheCard: writing a card as a palette image changes at
// most a few edge pixels, each only a little. A card is drawn with more
// than 256 colours; the rarest are where anti-aliased edges meet.
func TestPaletteKeepsTheCard(t *testing.T) {
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	cards := map[string]func() (*canvas, error){
		"landing": func() (*canvas, error) {
			v := LandingFor(q)
			v.OwnerName, v.OwnerTitle = "Gregory Example", "Fractional Head of Product"
			return drawLanding(v)
		},
	}
	for _, ex := range q.Examples {
		r := rules.Evaluate(q, ex.Answers)
		cards[ex.Name] = func() (*canvas, error) { return drawResult(ResultFor(q, r)) }
	}
	for name, draw := range cards {
		c, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := paletted(c.img)
		changed, worst := 0, 0
		for i := 0; i < len(c.img.Pix); i += 4 {
			got := p.Palette[p.Pix[i/4]]
			r, g, b, _ := got.RGBA()
			d := max(absDiff(r>>8, c.img.Pix[i]), absDiff(g>>8, c.img.Pix[i+1]), absDiff(b>>8, c.img.Pix[i+2]))
			if d > 0 {
				changed++
			}
			worst = max(worst, d)
		}
		share := float64(changed) / float64(Width*Height)
		t.Logf("%s: %d colours drawn, %d pixels changed (%.3f%%), worst by %d of 255", name, len(countColours(c.img)), changed, 100*share, worst)
		if share > 0.002 || worst > 64 {
			t.Errorf("%s: the palette changed %.3f%% of pixels, worst by %d of 255; want at most 0.2%%, by at most 64", name, 100*share, worst)
		}
	}
}

func absDiff(a uint32, b uint8) int {
	d := int(a) - int(b)
	return max(d, -d)
}

// TestBaseStaysBlank: every card starts from a copy of the shared base, so
// drawing a card never marks the next one.
func TestBaseStaysBlank(t *testing.T) {
	fresh := newCanvas(Width, Height, paper)
	drawPanel(fresh)
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RenderResult(ResultFor(q, rules.Evaluate(q, q.Examples[0].Answers))); err != nil {
		t.Fatal(err)
	}
	if _, err := RenderLanding(LandingFor(q)); err != nil {
		t.Fatal(err)
	}
	if string(base().img.Pix) != string(fresh.img.Pix) {
		t.Error("the shared base changed after drawing cards on it")
	}
}
