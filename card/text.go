package card

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The Go fonts are BSD-3 licensed and compiled into x/image: no font file
// to ship or to find at run time.
type typeface int

const (
	regular typeface = iota
	bold
)

var parsedFonts = sync.OnceValues(func() ([]*opentype.Font, error) {
	var out []*opentype.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parse go font: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
})

// faces hands out font faces by typeface and size for one render. A face
// keeps a scratch buffer, so faces are never shared between renders.
type faces struct {
	fonts []*opentype.Font
	cache map[faceKey]font.Face
}

type faceKey struct {
	tf   typeface
	size float64
}

func newFaces() (*faces, error) {
	fonts, err := parsedFonts()
	if err != nil {
		return nil, err
	}
	return &faces{fonts: fonts, cache: map[faceKey]font.Face{}}, nil
}

func (f *faces) get(tf typeface, size float64) font.Face {
	k := faceKey{tf, size}
	if face, ok := f.cache[k]; ok {
		return face
	}
	// NewFace returns no error in x/image v0.48.0; should a later version
	// return one, every test that draws a card fails here.
	face, err := opentype.NewFace(f.fonts[tf], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(fmt.Sprintf("card: font face: %v", err))
	}
	f.cache[k] = face
	return face
}

func (f *faces) close() {
	for _, face := range f.cache {
		face.Close()
	}
}

const ellipsis = "…"

// width is how far text advances when drawn in face, in pixels.
func width(face font.Face, text string) int {
	return font.MeasureString(face, typeset(text)).Ceil()
}

// typeset picks the glyphs text is drawn with: a curly apostrophe inside a
// word, and between letters or digits ("full-time", "3-minute") the soft
// hyphen's glyph for a hyphen, since the Go fonts draw the hyphen-minus as
// wide as a minus sign, for code, and have no non-breaking hyphen (which a
// headline may use to keep "full‑time" on one line of a page).
func typeset(text string) string {
	if !strings.ContainsAny(text, "'-\u2011") {
		return text
	}
	runes := []rune(text)
	for i := 1; i+1 < len(runes); i++ {
		between := func(is func(rune) bool) bool { return is(runes[i-1]) && is(runes[i+1]) }
		switch {
		case runes[i] == '\'' && between(unicode.IsLetter):
			runes[i] = '\u2019'
		case (runes[i] == '-' || runes[i] == '\u2011') && between(isAlnum):
			runes[i] = '\u00ad'
		}
	}
	return string(runes)
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// block is text laid out to fit a box: its lines and the size that fits.
type block struct {
	lines []string
	size  float64
	face  font.Face
}

// fitText lays text out in at most maxLines lines of maxWidth pixels,
// trying sizes from largest down to smallest in steps of 2 pixels. When even
// the smallest size needs more lines, the last line ends in an ellipsis, so
// text never runs out of its box.
func fitText(f *faces, tf typeface, text string, largest, smallest float64, maxWidth, maxLines int) block {
	text = strings.Join(strings.Fields(text), " ")
	for size := largest; size >= smallest; size -= 2 {
		face := f.get(tf, size)
		if lines, ok := wrap(face, text, maxWidth, maxLines); ok {
			return block{lines: balance(face, text, lines, maxWidth), size: size, face: face}
		}
	}
	face := f.get(tf, smallest)
	lines, _ := wrap(face, text, maxWidth, maxLines)
	return block{lines: lines, size: smallest, face: face}
}

// fitBox is fitText for a box of maxWidth by maxHeight pixels: at each
// size, as many lines as fit the height at lineHeight times the size.
func fitBox(f *faces, tf typeface, text string, largest, smallest float64, maxWidth, maxHeight int, lineHeight float64) block {
	text = strings.Join(strings.Fields(text), " ")
	var b block
	for size := largest; size >= smallest; size -= 2 {
		face := f.get(tf, size)
		maxLines := max(int(float64(maxHeight)/(size*lineHeight)), 1)
		lines, ok := wrap(face, text, maxWidth, maxLines)
		b = block{lines: lines, size: size, face: face}
		if ok {
			b.lines = balance(face, text, lines, maxWidth)
			return b
		}
	}
	return b
}

// balance rewraps text into the same number of lines at the narrowest
// width that still allows it, so a headline's lines are of even length and
// its last line is not one word left alone.
func balance(face font.Face, text string, lines []string, maxWidth int) []string {
	if len(lines) < 2 {
		return lines
	}
	lo, hi := maxWidth/2, maxWidth // hi always wraps into len(lines) lines
	for lo < hi {
		mid := (lo + hi) / 2
		if got, ok := wrap(face, text, mid, len(lines)); ok && len(got) == len(lines) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	got, _ := wrap(face, text, hi, len(lines))
	return got
}

// wrap breaks text into lines no wider than maxWidth, word by word. It
// reports false when the text needed more than maxLines lines, the lines it
// returns then cut to maxLines and the last ending in an ellipsis, or when a
// word wider than maxWidth had to be cut: either way a smaller size may fit.
func wrap(face font.Face, text string, maxWidth, maxLines int) ([]string, bool) {
	var lines []string
	line, cut := "", false
	for _, word := range strings.Fields(text) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if width(face, candidate) <= maxWidth {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		if width(face, word) > maxWidth {
			// A word wider than the box alone cannot wrap: it is cut.
			lines = append(lines, truncate(face, word, maxWidth))
			line, cut = "", true
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) <= maxLines {
		return lines, !cut
	}
	lines = lines[:maxLines]
	last := lines[maxLines-1]
	lines[maxLines-1] = truncate(face, strings.TrimRight(last, " ,;:")+ellipsis, maxWidth)
	return lines, false
}

// truncate shortens text, ending it with an ellipsis, until it fits maxWidth.
func truncate(face font.Face, text string, maxWidth int) string {
	if width(face, text) <= maxWidth {
		return text
	}
	runes := []rune(strings.TrimSuffix(text, ellipsis))
	for n := len(runes) - 1; n > 0; n-- {
		s := strings.TrimRight(string(runes[:n]), " ,;:") + ellipsis
		if width(face, s) <= maxWidth {
			return s
		}
	}
	return ellipsis
}

// capHeight approximates the height of capitals, for centring a line of
// text on a shape: the Go fonts' capitals stand at 0.72 em.
func capHeight(size float64) int {
	return int(size*0.72 + 0.5)
}

func fixedPoint(x, y int) fixed.Point26_6 {
	return fixed.P(x, y)
}
