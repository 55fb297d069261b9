package card

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/vector"
)

// canvas is an image being drawn, with one rasterizer reused for every
// shape. Each shape is rasterized over its own bounding box only: a
// full-card rasterizer per shape would cost more than the whole card.
type canvas struct {
	img  *image.RGBA
	z    vector.Rasterizer
	mask image.Alpha // scratch coverage of the shape or glyph being drawn
}

func newCanvas(w, h int, bg color.Color) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	return c
}

// path is a closed outline in card coordinates, recorded so its bounding
// box is known before it is rasterized.
type path struct {
	ops     []pathOp
	started bool // the bounds hold at least one point
	minX    float32
	minY    float32
	maxX    float32
	maxY    float32
}

type pathOp struct {
	kind byte // 'M', 'L', 'C'
	pts  [3][2]float32
}

func (p *path) extend(x, y float32) {
	if !p.started {
		p.minX, p.maxX, p.minY, p.maxY, p.started = x, x, y, y, true
	}
	p.minX, p.maxX = min(p.minX, x), max(p.maxX, x)
	p.minY, p.maxY = min(p.minY, y), max(p.maxY, y)
}

func (p *path) moveTo(x, y float32) {
	p.extend(x, y)
	p.ops = append(p.ops, pathOp{kind: 'M', pts: [3][2]float32{{x, y}}})
}

func (p *path) lineTo(x, y float32) {
	p.extend(x, y)
	p.ops = append(p.ops, pathOp{kind: 'L', pts: [3][2]float32{{x, y}}})
}

func (p *path) cubeTo(x1, y1, x2, y2, x3, y3 float32) {
	p.extend(x1, y1)
	p.extend(x2, y2)
	p.extend(x3, y3)
	p.ops = append(p.ops, pathOp{kind: 'C', pts: [3][2]float32{{x1, y1}, {x2, y2}, {x3, y3}}})
}

// fill paints the path in col, blending over what is already drawn.
func (c *canvas) fill(p *path, col color.Color) {
	if len(p.ops) == 0 {
		return
	}
	box := image.Rect(int(math.Floor(float64(p.minX))), int(math.Floor(float64(p.minY))),
		int(math.Ceil(float64(p.maxX))), int(math.Ceil(float64(p.maxY)))).Intersect(c.img.Bounds())
	if box.Empty() {
		return
	}
	ox, oy := float32(box.Min.X), float32(box.Min.Y)
	c.z.Reset(box.Dx(), box.Dy())
	c.z.DrawOp = draw.Src
	for _, op := range p.ops {
		pt := op.pts
		switch op.kind {
		case 'M':
			c.z.ClosePath()
			c.z.MoveTo(pt[0][0]-ox, pt[0][1]-oy)
		case 'L':
			c.z.LineTo(pt[0][0]-ox, pt[0][1]-oy)
		case 'C':
			c.z.CubeTo(pt[0][0]-ox, pt[0][1]-oy, pt[1][0]-ox, pt[1][1]-oy, pt[2][0]-ox, pt[2][1]-oy)
		}
	}
	c.z.ClosePath()
	m := c.scratch(box.Dx(), box.Dy())
	c.z.Draw(m, m.Rect, image.Opaque, image.Point{})
	c.paint(box, col, m, image.Point{})
}

// scratch returns the canvas's mask buffer sized w×h, cleared.
func (c *canvas) scratch(w, h int) *image.Alpha {
	n := w * h
	if cap(c.mask.Pix) < n {
		c.mask.Pix = make([]uint8, n)
	}
	c.mask.Pix = c.mask.Pix[:n]
	clear(c.mask.Pix)
	c.mask.Stride, c.mask.Rect = w, image.Rect(0, 0, w, h)
	return &c.mask
}

// coverageSteps is how many levels of partial coverage an edge may have.
// Sixteen look as smooth as 256 at these sizes, and they keep the colours
// of a card few enough to encode as a palette (see encode).
const coverageSteps = 16

// paint blends col into the card through mask, its coverage rounded to
// coverageSteps levels first.
func (c *canvas) paint(r image.Rectangle, col color.Color, mask *image.Alpha, mp image.Point) {
	for y := mp.Y; y < mp.Y+r.Dy(); y++ {
		row := mask.Pix[mask.PixOffset(mp.X, y) : mask.PixOffset(mp.X, y)+r.Dx()]
		for i, a := range row {
			row[i] = quantized[a]
		}
	}
	draw.DrawMask(c.img, r, image.NewUniform(col), image.Point{}, mask, mp, draw.Over)
}

// quantized maps a coverage to the nearest of coverageSteps levels.
var quantized = func() (t [256]uint8) {
	const step = 255 / (coverageSteps - 1)
	for a := range t {
		t[a] = uint8((a + step/2) / step * step)
	}
	return t
}()

// kappa places a cubic Bézier's control points so four of them draw a circle.
const kappa = 0.5522847

// roundRect is a rectangle with corners of radius r (clamped to fit).
func roundRect(x, y, w, h, r float32) *path {
	r = min(r, w/2, h/2)
	k := r * (1 - kappa)
	p := &path{}
	p.moveTo(x+r, y)
	p.lineTo(x+w-r, y)
	p.cubeTo(x+w-k, y, x+w, y+k, x+w, y+r)
	p.lineTo(x+w, y+h-r)
	p.cubeTo(x+w, y+h-k, x+w-k, y+h, x+w-r, y+h)
	p.lineTo(x+r, y+h)
	p.cubeTo(x+k, y+h, x, y+h-k, x, y+h-r)
	p.lineTo(x, y+r)
	p.cubeTo(x, y+k, x+k, y, x+r, y)
	return p
}

func circle(cx, cy, r float32) *path {
	return roundRect(cx-r, cy-r, 2*r, 2*r, r)
}

// stroke outlines a polyline of width w with round joins and caps: a
// rectangle per segment and a disc at every point, all in one path so the
// overlaps are painted once.
func stroke(w float32, pts ...[2]float32) *path {
	p := &path{}
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		n := float32(math.Hypot(float64(dx), float64(dy)))
		if n == 0 {
			continue
		}
		nx, ny := -dy/n*w/2, dx/n*w/2
		p.moveTo(a[0]-nx, a[1]-ny)
		p.lineTo(b[0]-nx, b[1]-ny)
		p.lineTo(b[0]+nx, b[1]+ny)
		p.lineTo(a[0]+nx, a[1]+ny)
	}
	for _, pt := range pts {
		appendCircle(p, pt[0], pt[1], w/2)
	}
	return p
}

// appendCircle adds a disc drawn in the same winding as stroke's segments,
// so the nonzero fill rule keeps their overlap solid.
func appendCircle(p *path, cx, cy, r float32) {
	k := r * kappa
	p.moveTo(cx+r, cy)
	p.cubeTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	p.cubeTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	p.cubeTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	p.cubeTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
}

// text draws one line with its baseline at y, starting at x: what
// font.Drawer.DrawString does, with each glyph's coverage quantized too.
func (c *canvas) text(face font.Face, col color.Color, x, y int, s string) {
	dot := fixedPoint(x, y)
	prev := rune(-1)
	for _, r := range typeset(s) {
		if prev >= 0 {
			dot.X += face.Kern(prev, r)
		}
		dr, mask, mp, advance, ok := face.Glyph(dot, r)
		if !ok {
			continue
		}
		if clipped := dr.Intersect(c.img.Bounds()); !clipped.Empty() {
			c.glyph(clipped, col, mask, mp.Add(clipped.Min.Sub(dr.Min)))
		}
		dot.X += advance
		prev = r
	}
}

// glyph copies a glyph's mask into the scratch buffer, since the face owns
// (and reuses) its own, and paints it.
func (c *canvas) glyph(dr image.Rectangle, col color.Color, mask image.Image, mp image.Point) {
	m := c.scratch(dr.Dx(), dr.Dy())
	draw.Draw(m, m.Rect, mask, mp, draw.Src)
	c.paint(dr, col, m, image.Point{})
}
