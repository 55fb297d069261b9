package card

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"sync"

	"sessionplayer.studio/fitcheck/assessment"
)

// Width and Height are every card's size in pixels: the 1.91:1 image that
// Slack, LinkedIn and X show large.
const (
	Width  = 1200
	Height = 630
)

// The palette follows the site's light theme: warm paper, near-black ink,
// teal for signs for and amber for signs against.
var (
	paper   = rgb(0xfaf8f4)
	surface = rgb(0xffffff)
	line    = rgb(0xe2ded6)
	ink     = rgb(0x1d2327)
	muted   = rgb(0x525b64)
	teal    = rgb(0x0d5c63)
	amber   = rgb(0xb45309)
	slate   = rgb(0x5f6773)
)

// look is a family's colour and icon on the card.
type look struct {
	strong color.RGBA // icon disc, band
	text   color.RGBA // badge words, dark enough on tint
	tint   color.RGBA // badge background
	icon   func(c *canvas, cx, cy, r float32)
}

var looks = map[Family]look{
	Fit:       {strong: teal, text: rgb(0x0a4a50), tint: rgb(0xdcefec), icon: checkIcon},
	Explore:   {strong: rgb(0x2b5ea7), text: rgb(0x1f4a87), tint: rgb(0xe2ebf7), icon: questionIcon},
	Elsewhere: {strong: rgb(0x6a4c93), text: rgb(0x553a7a), tint: rgb(0xece6f4), icon: turnIcon},
}

// kindColour is the colour of a criterion kind's heading and bars.
func kindColour(k assessment.CriterionKind) color.RGBA {
	switch k {
	case assessment.FitSignal:
		return teal
	case assessment.NotFitSignal:
		return amber
	default:
		return slate
	}
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// mix blends a colour towards white: share 1 is the colour, 0 is white.
func mix(c color.RGBA, share float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(float64(v)*share + 255*(1-share) + 0.5) }
	return color.RGBA{R: m(c.R), G: m(c.G), B: m(c.B), A: 0xff}
}

// encode writes the card as PNG at the fastest compression, as a palette
// image: a third of the bytes to compress and no row filters to try. That
// took encoding from about 26 to 4 ms of CPU and a card from about 82 to
// 39 KB. See paletted for the colours.
func encode(c *canvas) ([]byte, error) {
	img := paletted(c.img)
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode card png: %w", err)
	}
	return buf.Bytes(), nil
}

// Layout of both cards: a coloured band along the top, the brand in the
// corner, the words on the left and a white panel on the right.
const (
	band     = 10
	margin   = 72
	brandY   = 96 // the brand's baseline
	panelX   = 660
	panelY   = 44
	panelW   = Width - panelX - 56
	panelH   = Height - 2*panelY + band/2
	leftW    = panelX - margin - 48
	footerY  = 572 // the baseline of the foot's last line
	panelPad = 32
)

func drawBrand(c *canvas, f *faces, brand string) {
	c.fill(circle(margin+13, brandY-15, 13), teal)
	c.fill(circle(margin+27, brandY-2, 8), amber)
	c.text(f.get(bold, 32), ink, margin+46, brandY, brand)
}

// base is the part every card shares: the paper and the empty panel with
// its shadow. It is drawn once: the shadow's large translucent shapes
// alone took longer to rasterize than the rest of a card.
var base = sync.OnceValue(func() *canvas {
	c := newCanvas(Width, Height, paper)
	drawPanel(c)
	return c
})

// newCard starts a card from a copy of the shared base.
func newCard() *canvas {
	b := base().img
	c := &canvas{img: image.NewRGBA(b.Rect)}
	copy(c.img.Pix, b.Pix)
	return c
}

func drawPanel(c *canvas) {
	// A soft shadow: a few widening, fading outlines under the panel.
	for i := 3; i >= 1; i-- {
		d := float32(i * 3)
		c.fill(roundRect(panelX-d, panelY-d+float32(i*2), panelW+2*d, panelH+2*d, 26+d), color.NRGBA{0x14, 0x1e, 0x28, 10})
	}
	c.fill(roundRect(panelX-1, panelY-1, panelW+2, panelH+2, 25), line)
	c.fill(roundRect(panelX, panelY, panelW, panelH, 24), surface)
}

// paletted converts an opaque card to a palette image. Its flat colours and
// its edges, quantized as they were drawn, come to a few hundred colours;
// those beyond the 256 most used are rare (under 0.1% of the pixels, where
// anti-aliased edges meet) and take the nearest kept colour, a difference
// no one can see (TestPaletteKeepsTheCard). The palette is
// ordered by use, then by colour, so equal cards give equal bytes.
func paletted(img *image.RGBA) *image.Paletted {
	counts := countColours(img)
	keys := make([]uint32, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b uint32) int {
		if d := cmp.Compare(counts[b], counts[a]); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
	kept := keys[:min(len(keys), 256)]
	palette := make(color.Palette, len(kept))
	index := make(map[uint32]uint8, len(keys))
	for i, k := range kept {
		palette[i] = unpack(k)
		index[k] = uint8(i)
	}
	for _, k := range keys[len(kept):] {
		index[k] = uint8(nearest(kept, k))
	}
	b := img.Bounds()
	out := image.NewPaletted(b, palette)
	last, lastIndex := uint32(0), uint8(0) // an opaque colour never packs to 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		dst := out.Pix[out.PixOffset(b.Min.X, y):out.PixOffset(b.Max.X, y)]
		for x := range dst {
			if key := pack(src[4*x : 4*x+4]); key != last {
				last, lastIndex = key, index[key]
			}
			dst[x] = lastIndex
		}
	}
	return out
}

// countColours counts each colour's pixels. Runs of one colour are the rule
// on a card, so a run costs one map update, not one per pixel.
func countColours(img *image.RGBA) map[uint32]int {
	counts := make(map[uint32]int, 512)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		run, last := 0, uint32(0)
		for x := 0; x < len(src); x += 4 {
			key := pack(src[x : x+4])
			if key != last {
				if run > 0 {
					counts[last] += run
				}
				run, last = 0, key
			}
			run++
		}
		counts[last] += run
	}
	return counts
}

// pack keys an opaque pixel by its four bytes. Its alpha is never 0, so
// no pixel packs to 0.
func pack(rgba []uint8) uint32 {
	return binary.LittleEndian.Uint32(rgba)
}

func unpack(k uint32) color.RGBA {
	return color.RGBA{R: uint8(k), G: uint8(k >> 8), B: uint8(k >> 16), A: uint8(k >> 24)}
}

// nearest is the index of the kept colour closest to k.
func nearest(kept []uint32, k uint32) int {
	c := unpack(k)
	best, bestD := 0, math.MaxInt
	for i, p := range kept {
		q := unpack(p)
		dr, dg, db := int(c.R)-int(q.R), int(c.G)-int(q.G), int(c.B)-int(q.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	return best
}
