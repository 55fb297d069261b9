package card

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestContentHeadlinesFitWhole: every headline the default content can
// show fits the column whole, without an ellipsis, at a readable size.
func TestContentHeadlinesFitWhole(t *testing.T) {
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	height := headlineHeight(f, q.Title, q.Minutes)
	for _, o := range q.Outcomes {
		b := headlineBlock(f, o.Headline, height)
		if got := strings.Join(b.lines, " "); got != o.Headline {
			t.Errorf("headline of %s laid out as %q, want it whole: %q", o.ID, got, o.Headline)
		}
		if b.size < 44 {
			t.Errorf("headline of %s set at %vpx, want at least 44 for a small preview", o.ID, b.size)
		}
		for _, l := range b.lines {
			if w := width(b.face, l); w > leftW {
				t.Errorf("headline of %s: line %q is %dpx wide, more than the column's %d", o.ID, l, w, leftW)
			}
		}
		if n := len(b.lines); float64(n)*b.size*headlineLeading > float64(height) {
			t.Errorf("headline of %s: %d lines at %vpx overflow %dpx", o.ID, n, b.size, height)
		}
	}
}

func TestWrap(t *testing.T) {
	f, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	face := f.get(regular, 20)
	tests := []struct {
		name     string
		text     string
		maxWidth int
		maxLines int
		want     []string
		fits     bool
	}{
		{"one line", "Between stages", 400, 2, []string{"Between stages"}, true},
		{"two lines", "Capable team, unclear direction", 200, 2, []string{"Capable team,", "unclear direction"}, true},
		{"cut with an ellipsis", "one two three four five six seven", 80, 2, []string{"one two", "three…"}, false},
		{"giant word cut", "Supercalifragilistic", 80, 1, []string{"Super…"}, false},
		{"nothing", "", 100, 2, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fits := wrap(face, tt.text, tt.maxWidth, tt.maxLines)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || fits != tt.fits {
				t.Errorf("wrap(%q, %d, %d) = %q, %v, want %q, %v", tt.text, tt.maxWidth, tt.maxLines, got, fits, tt.want, tt.fits)
			}
			for _, l := range got {
				if w := width(face, l); w > tt.maxWidth {
					t.Errorf("line %q is %dpx, more than %d", l, w, tt.maxWidth)
				}
			}
		})
	}
}

func TestTypeset(t *testing.T) {
	tests := []struct{ in, want string }{
		{"You're ready", "You\u2019re ready"},
		{"full-time leader", "full\u00adtime leader"},
		{"full\u2011time Head", "full\u00adtime Head"},
		{"'quoted' - spaced", "'quoted' - spaced"},
		{"A 3-MINUTE test", "A 3\u00adMINUTE test"},
		{"rock 'n' roll", "rock 'n' roll"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := typeset(tt.in); got != tt.want {
			t.Errorf("typeset(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIconsDifferInShape: each family's icon covers different pixels, so
// a verdict reads without its colour.
func TestIconsDifferInShape(t *testing.T) {
	shapes := map[Family]string{}
	for fam, lk := range looks {
		c := newCanvas(64, 64, rgb(0x000000))
		lk.icon(c, 32, 32, 28)
		var shape strings.Builder
		for i := 0; i < len(c.img.Pix); i += 4 {
			if c.img.Pix[i] > 128 {
				shape.WriteByte('#')
			} else {
				shape.WriteByte('.')
			}
		}
		for other, s := range shapes {
			if s == shape.String() {
				t.Errorf("families %s and %s have the same icon", fam, other)
			}
		}
		if !strings.Contains(shape.String(), "#") {
			t.Errorf("family %s has an empty icon", fam)
		}
		shapes[fam] = shape.String()
	}
}

func TestInitialsOf(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Gregory", "G"},
		{"Gregory Example", "GE"},
		{"ada de la cruz", "AC"},
		{"Émile Zola", "ÉZ"},
		{"", "?"},
	}
	for _, tt := range tests {
		if got := initialsOf(tt.name); got != tt.want {
			t.Errorf("initialsOf(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestFitShrinksBeforeCutting: a word too wide for the column is set at the
// smallest size before it is cut, and cut at the column's full width.
func TestFitShrinksBeforeCutting(t *testing.T) {
	f, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	b := headlineBlock(f, "Supercalifragilisticexpialidociouslyunderstatedproductleadership fits", 220)
	if b.size != 34 {
		t.Errorf("giant word set at %vpx, want the smallest size, 34", b.size)
	}
	if len(b.lines) == 0 || !strings.HasSuffix(b.lines[0], ellipsis) || width(b.face, b.lines[0]) < leftW*9/10 {
		t.Errorf("giant word laid out as %q, want it cut with an ellipsis near the column's full width", b.lines)
	}
}
