package card

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// RenderResult draws a result card as a 1200×630 PNG. Equal views give
// equal bytes.
func RenderResult(v Result) ([]byte, error) {
	c, err := drawResult(v)
	if err != nil {
		return nil, fmt.Errorf("render result card: %w", err)
	}
	return encode(c)
}

func drawResult(v Result) (*canvas, error) {
	f, err := newFaces()
	if err != nil {
		return nil, err
	}
	defer f.close()
	lk, ok := looks[v.Family]
	if !ok {
		lk = looks[Explore]
	}
	c := newCard()
	c.fill(roundRect(0, 0, Width, band, 0), lk.strong)
	drawBrand(c, f, v.Brand)
	drawBadge(c, f, lk, v.Verdict, margin, 150)
	drawFoot(c, f, v.Question, v.Minutes, lk.strong)
	drawHeadline(c, f, v.Headline, headlineTop, headlineTop+headlineHeight(f, v.Question, v.Minutes))
	drawGroups(c, f, v.Groups)
	return c, nil
}

// drawBadge is the verdict: a pill in the family's tint with its icon.
func drawBadge(c *canvas, f *faces, lk look, verdict string, x, y int) {
	const h, size = 56, 26
	face := f.get(bold, size)
	verdict = truncate(face, verdict, leftW-h-24)
	w := h + 8 + width(face, verdict) + 24
	c.fill(roundRect(float32(x), float32(y), float32(w), h, h/2), lk.tint)
	r := float32(h/2 - 7)
	cx, cy := float32(x+h/2), float32(y+h/2)
	c.fill(circle(cx, cy, r), lk.strong)
	lk.icon(c, cx, cy, r)
	c.text(face, lk.text, x+h+8, y+h/2+capHeight(size)/2, verdict)
}

// headlineTop is where the headline's first line starts, below the badge.
const headlineTop = 240

// headlineLeading is the headline's line height, as a multiple of its size.
const headlineLeading = 1.14

// headlineBlock lays the headline out in the left column, height pixels tall.
func headlineBlock(f *faces, headline string, height int) block {
	return fitBox(f, bold, headline, 58, 34, leftW, height, headlineLeading)
}

// drawHeadline sets the headline as large as it fits between top and
// bottom, in as few as one and as many as four lines.
func drawHeadline(c *canvas, f *faces, headline string, top, bottom int) {
	b := headlineBlock(f, headline, bottom-top)
	lineH := int(b.size*headlineLeading + 0.5)
	y := top + int(b.size*0.9+0.5)
	for _, l := range b.lines {
		c.text(b.face, ink, margin, y, l)
		y += lineH
	}
}

// foot is the left column's foot: what the questionnaire asks, so someone
// shown the card knows what it is about, under a kicker saying how long it
// takes, which is what makes a co-founder try it.
type foot struct {
	question block
	baseline int    // the question's first baseline
	kicker   string // in capitals, drawn at kickerY
	kickerY  int
	top      int
}

const kickerSize = 16

func footLayout(f *faces, question string, minutes int) foot {
	if question == "" {
		return foot{baseline: footerY, top: footerY}
	}
	b := fitText(f, regular, question, 24, 20, leftW, 2)
	ft := foot{question: b, baseline: footerY - (len(b.lines)-1)*footLeadingPx(b.size)}
	ft.kickerY = ft.baseline - capHeight(b.size) - 16
	ft.top = ft.kickerY - capHeight(kickerSize)
	if minutes > 0 {
		ft.kicker = "A " + strconv.Itoa(minutes) + "-MINUTE ASSESSMENT"
	}
	return ft
}

func footLeadingPx(size float64) int { return int(size*1.3 + 0.5) }

// headlineHeight is the room the headline has between the badge and the
// foot, which is one line or two depending on the question.
func headlineHeight(f *faces, question string, minutes int) int {
	return footLayout(f, question, minutes).top - 40 - headlineTop
}

func drawFoot(c *canvas, f *faces, question string, minutes int, accent color.RGBA) {
	ft := footLayout(f, question, minutes)
	if len(ft.question.lines) == 0 {
		return
	}
	if ft.kicker != "" {
		c.text(f.get(bold, kickerSize), accent, margin, ft.kickerY, ft.kicker)
	} else {
		c.fill(roundRect(margin, float32(ft.top), 56, 4, 2), accent)
	}
	y := ft.baseline
	for _, l := range ft.question.lines {
		c.text(ft.question.face, muted, margin, y, l)
		y += footLeadingPx(ft.question.size)
	}
}

// The criteria panel's rhythm at full size; a content file with many
// criteria scales it down until it fits.
const (
	headingH   = 30
	rowH       = 50
	groupGap   = 14
	labelSize  = 20
	levelSize  = 17
	headSize   = 16
	barH       = 11
	zoneGap    = 3
	labelToBar = 10
)

func drawGroups(c *canvas, f *faces, groups []Group) {
	rows := 0
	for _, g := range groups {
		rows += len(g.Bars)
	}
	natural := len(groups)*headingH + rows*rowH + max(len(groups)-1, 0)*groupGap
	avail := panelH - 2*panelPad + 10
	s := 1.0
	if natural > avail {
		s = float64(avail) / float64(natural)
	}
	sc := func(v int) int { return int(float64(v)*s + 0.5) }
	x := panelX + panelPad
	w := panelW - 2*panelPad
	y := panelY + panelPad
	head := f.get(bold, float64(sc(headSize*2))/2)
	for gi, g := range groups {
		if gi > 0 {
			y += sc(groupGap)
		}
		col := kindColour(g.Kind)
		c.text(head, col, x, y+sc(headSize), truncate(head, strings.ToUpper(g.Label), w))
		y += sc(headingH)
		for _, b := range g.Bars {
			drawBar(c, f, b, col, x, y, w, s)
			y += sc(rowH)
		}
	}
}

// drawBar is one criterion: its label and level above a bar cut into its
// level zones, filled as far as the score reached.
func drawBar(c *canvas, f *faces, b Bar, col color.RGBA, x, y, w int, s float64) {
	labelFace := f.get(regular, float64(int(labelSize*s*2))/2)
	levelTF := regular
	levelCol := muted
	if b.LevelRank > 0 {
		levelTF, levelCol = bold, ink
	}
	if b.LevelRank > 0 && b.LevelRank == len(b.Thresholds) {
		levelCol = col
	}
	levelFace := f.get(levelTF, float64(int(levelSize*s*2))/2)
	level := truncate(levelFace, b.LevelLabel, w/3)
	lw := width(levelFace, level)
	base := y + int(labelSize*s*0.8+0.5)
	c.text(labelFace, ink, x, base, truncate(labelFace, b.Label, w-lw-16))
	c.text(levelFace, levelCol, x+w-lw, base, level)
	barY := float32(base) + float32(labelToBar)*float32(s)
	drawZones(c, b, col, float32(x), barY, float32(w), float32(barH)*float32(s))
}

// drawZones draws the track as one segment per level, each a little darker
// than the one before, then fills each segment up to the score.
func drawZones(c *canvas, b Bar, col color.RGBA, x, y, w, h float32) {
	most := float32(max(b.Max, 1))
	bounds := []float32{0}
	for _, t := range b.Thresholds {
		if t > 0 && float32(t) < most {
			bounds = append(bounds, float32(t))
		}
	}
	bounds = append(bounds, most)
	score := min(max(float32(b.Score), 0), most)
	if b.Max <= 0 {
		score = 0
	}
	shares := []float64{0.09, 0.15, 0.22, 0.29}
	for i := 0; i+1 < len(bounds); i++ {
		x0 := x + w*bounds[i]/most
		x1 := x + w*bounds[i+1]/most
		if i > 0 {
			x0 += zoneGap / 2
		}
		if i+2 < len(bounds) {
			x1 -= zoneGap / 2
		}
		if x1 <= x0 {
			continue
		}
		c.fill(roundRect(x0, y, x1-x0, h, h/2), mix(col, shares[min(i, len(shares)-1)]))
		if score > bounds[i] {
			fx := x + w*min(score, bounds[i+1])/most
			if i+2 < len(bounds) && score >= bounds[i+1] {
				fx = x1
			}
			c.fill(roundRect(x0, y, max(fx-x0, h), h, h/2), col)
		}
	}
}
