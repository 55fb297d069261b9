package card

import (
	"fmt"
	"strings"
	"unicode"
)

// RenderLanding draws the landing page's card as a 1200×630 PNG: the
// question on the left with its promise and who answers it, and on the
// right the three kinds of answer a founder may get.
func RenderLanding(v Landing) ([]byte, error) {
	c, err := drawLanding(v)
	if err != nil {
		return nil, fmt.Errorf("render landing card: %w", err)
	}
	return encode(c)
}

func drawLanding(v Landing) (*canvas, error) {
	f, err := newFaces()
	if err != nil {
		return nil, err
	}
	defer f.close()
	c := newCard()
	c.fill(roundRect(0, 0, Width, band, 0), teal)
	drawBrand(c, f, v.Brand)
	bottom := footerY + 8
	if v.OwnerName != "" {
		bottom = drawOwner(c, f, v.OwnerName, v.OwnerTitle)
	}
	drawTitleAndPromise(c, f, v.Title, v.Promise, 150, bottom-40)
	drawAnswers(c, f)
	return c, nil
}

// drawTitleAndPromise sets the title as large as fits and the promise
// below it, both top-aligned under the brand.
func drawTitleAndPromise(c *canvas, f *faces, title, promise string, top, bottom int) {
	const lineHeight, promiseSize = 1.12, 28
	p := fitText(f, regular, promise, promiseSize, 22, leftW, 2)
	promiseLineH := int(p.size*1.3 + 0.5)
	promiseH := 0
	if promise != "" {
		promiseH = 28 + len(p.lines)*promiseLineH
	}
	t := fitBox(f, bold, title, 62, 36, leftW, bottom-top-promiseH, lineHeight)
	lineH := int(t.size*lineHeight + 0.5)
	y := top + int(t.size*0.9+0.5)
	for _, l := range t.lines {
		c.text(t.face, ink, margin, y, l)
		y += lineH
	}
	if promise == "" {
		return
	}
	y += 28 - lineH + promiseLineH
	for _, l := range p.lines {
		c.text(p.face, muted, margin, y, l)
		y += promiseLineH
	}
}

// drawOwner is who is behind the assessment: an initials avatar, the name
// and the title, at the foot of the left column. It returns its top.
func drawOwner(c *canvas, f *faces, name, title string) int {
	const d = 64
	top := footerY - d + 12
	cx, cy := float32(margin+d/2), float32(top+d/2)
	c.fill(circle(cx, cy, d/2), teal)
	initials := initialsOf(name)
	iface := f.get(bold, 26)
	c.text(iface, surface, int(cx)-width(iface, initials)/2, int(cy)+capHeight(26)/2, initials)
	x := margin + d + 20
	nameFace := f.get(bold, 26)
	if title == "" {
		c.text(nameFace, ink, x, int(cy)+capHeight(26)/2, truncate(nameFace, name, leftW-d-20))
		return top
	}
	c.text(nameFace, ink, x, int(cy)-6, truncate(nameFace, name, leftW-d-20))
	titleFace := f.get(regular, 22)
	c.text(titleFace, muted, x, int(cy)+26, truncate(titleFace, title, leftW-d-20))
	return top
}

// initialsOf is the first letter of the first and last words of a name.
func initialsOf(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) == 0 {
		return "?"
	}
	first := []rune(words[0])[:1]
	if len(words) == 1 {
		return strings.ToUpper(string(first))
	}
	last := []rune(words[len(words)-1])[:1]
	return strings.ToUpper(string(first) + string(last))
}

// answers are the six verdicts as the landing card shows them, in their
// three families: what a founder may hear, each family with the badge a
// result card would carry.
var answers = []struct {
	family  Family
	caption string
}{
	{Fit, "The signs point to a fit"},
	{Explore, "Mixed signs: a short call settles it"},
	{Elsewhere, "Or a PM, a full-time hire, scope first"},
}

func drawAnswers(c *canvas, f *faces) {
	const headH, rowH = 52, 140
	x := panelX + panelPad + 8
	// The heading and the three families sit centred in the panel.
	y := panelY + (panelH-headH-len(answers)*rowH+rowH-56-38)/2
	head := f.get(bold, headSize)
	c.text(head, muted, x, y+headSize, "SIX ANSWERS, IN THREE KINDS")
	y += headH
	caption := f.get(regular, 22)
	for _, a := range answers {
		drawBadge(c, f, looks[a.family], verdicts[a.family], x, y)
		c.text(caption, muted, x+4, y+56+38, truncate(caption, a.caption, panelW-2*panelPad-16))
		y += rowH
	}
}
