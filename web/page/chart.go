package page

import (
	"fmt"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// The criterion chart is an inline SVG drawn on the server: no chart
// script, readable with JavaScript off, in dark mode and in print. It is
// honest by construction: each bar lies over its criterion's own level
// zones (where "some signs" and "a clear signal" begin for that
// criterion), so a bar's length and its level label can never disagree;
// signs for and against are grouped under their own headings; and the
// criteria that decided the verdict are marked.
const (
	// ChartWidth is the width of a chart's viewBox.
	ChartWidth = 320
	// ChartRowGap is the height of one row of a bar chart.
	ChartRowGap = 40
	// chartBar is the height of a bar; its zones are drawn a little taller.
	chartBar  = 8
	chartZone = 14
	// chartHeading is the height of a group's heading row.
	chartHeading = 28
)

// ChartView is the result chart: rows of text, and its shapes gathered
// into a few paths (one per zone shade and one per kind of bar), so the
// markup stays small: a result page must fit its weight budget.
type ChartView struct {
	Width  string
	Height string
	Desc   string // the text alternative: every row in words
	Rows   []ChartRow
	Levels []string // the zones' names, lowest first, for the legend
	Paths  []ChartPath
}

// ChartPath is the path data of every shape of one class.
type ChartPath struct {
	Class string // "zone-low", "zone-some", "zone-strong", or "bar kind-…"
	D     string
}

// ChartRow is a group heading (Heading set) or one criterion's row.
type ChartRow struct {
	Heading    string
	Label      string
	LevelLabel string
	Kind       string
	Decisive   bool
	Y          string // of the text's baseline
	Zones      []ChartRect
	Bar        ChartRect
}

// ChartRect is one rect of a row: a level zone (Level set) or the score bar.
type ChartRect struct {
	Level   string // the zone's rung, for its shade: low, some or strong
	LevelID string // the content's id of the level
	X       string
	Y       string
	W       string
	H       string
}

// NewChart draws the criteria of res, grouped by kind, each over its own
// level zones from q, with the decisive ones marked.
func NewChart(q *assessment.Questionnaire, res assessment.Result) ChartView {
	decisive := map[string]bool{}
	for _, d := range res.Decisive {
		decisive[d.Criterion] = true
	}
	c := ChartView{Width: strconv.Itoa(ChartWidth)}
	for _, l := range q.Levels {
		c.Levels = append(c.Levels, l.Label)
	}
	var desc []string
	y := 0
	for _, kind := range assessment.CriterionKinds {
		heading := false
		for _, cr := range res.Criteria {
			if cr.Kind != kind {
				continue
			}
			if !heading {
				c.Rows = append(c.Rows, ChartRow{Heading: kind.Heading(), Y: strconv.Itoa(y + 18)})
				y += chartHeading
				heading = true
			}
			row, words := chartRow(q, cr, decisive[cr.ID], y)
			c.Rows = append(c.Rows, row)
			desc = append(desc, words)
			y += ChartRowGap
		}
	}
	c.Height = strconv.Itoa(y)
	c.Desc = strings.Join(desc, "; ") + "."
	c.Paths = chartPaths(c.Rows)
	return c
}

// chartPaths gathers the rows' rects into one path per class, in a fixed
// order: zones first, so the bars lie on top.
func chartPaths(rows []ChartRow) []ChartPath {
	order := []string{"zone-low", "zone-some", "zone-strong", "bar kind-fit", "bar kind-not-fit", "bar kind-context"}
	d := map[string]*strings.Builder{}
	add := func(class string, r ChartRect) {
		if r.W == "0" {
			return
		}
		if d[class] == nil {
			d[class] = &strings.Builder{}
		}
		fmt.Fprintf(d[class], "M%s %sh%sv%sh-%sz", r.X, r.Y, r.W, r.H, r.W)
	}
	for _, row := range rows {
		for _, z := range row.Zones {
			add("zone-"+z.Level, z)
		}
		if row.Heading == "" {
			add("bar kind-"+row.Kind, row.Bar)
		}
	}
	var out []ChartPath
	for _, class := range order {
		if b := d[class]; b != nil {
			out = append(out, ChartPath{Class: class, D: b.String()})
		}
	}
	return out
}

// chartRow draws one criterion: its label, its zones and its score.
func chartRow(q *assessment.Questionnaire, cr assessment.CriterionResult, decisive bool, top int) (ChartRow, string) {
	row := ChartRow{Label: cr.Label, LevelLabel: cr.LevelLabel, Kind: string(cr.Kind), Decisive: decisive, Y: strconv.Itoa(top + 14)}
	most := max(cr.Max, 1)
	starts := levelStarts(q, cr.ID, most)
	xs := zoneStarts(starts, most)
	zoneY := top + 20
	for i, x := range xs {
		end := float64(ChartWidth)
		if i+1 < len(xs) {
			end = xs[i+1]
		}
		if end <= x {
			continue
		}
		row.Zones = append(row.Zones, ChartRect{Level: levelClass(i), LevelID: q.Levels[i].ID, X: shortFloat(x), Y: strconv.Itoa(zoneY),
			W: shortFloat(end - x), H: strconv.Itoa(chartZone)})
	}
	row.Bar = ChartRect{X: "0", Y: strconv.Itoa(zoneY + (chartZone-chartBar)/2), W: scaled(min(max(cr.Score, 0), most), most), H: strconv.Itoa(chartBar)}
	words := fmt.Sprintf("%s: %s, %d of %d", cr.Label, cr.LevelLabel, max(cr.Score, 0), cr.Max)
	if len(starts) > 1 && starts[len(starts)-1] < most {
		words += fmt.Sprintf(" (top level from %d)", starts[len(starts)-1])
	}
	if decisive {
		words += ", decided it"
	}
	return row, words
}

// minTopZone is the narrowest the top zone is drawn: a level reached only
// by the highest score would otherwise have no width, and a full bar would
// seem to end in the level below it.
const minTopZone = 6

// zoneStarts places each level's zone: where its score begins on the
// chart, with the top level widened to minTopZone when it is reachable.
func zoneStarts(starts []int, most int) []float64 {
	xs := make([]float64, len(starts))
	for i, st := range starts {
		xs[i] = float64(ChartWidth) * float64(st) / float64(most)
	}
	if last := len(xs) - 1; last > 0 && starts[last] <= most && xs[last] > ChartWidth-minTopZone {
		xs[last] = max(ChartWidth-minTopZone, xs[last-1])
	}
	return xs
}

// levelStarts is the score at which each level begins for criterion id,
// lowest first, held within 0 and most.
func levelStarts(q *assessment.Questionnaire, id string, most int) []int {
	def, _ := q.Criterion(id)
	starts := []int{0}
	for _, l := range q.Levels[1:] {
		at := most
		if def != nil {
			if t, ok := def.Thresholds[l.ID]; ok {
				at = min(max(t, starts[len(starts)-1]), most)
			}
		}
		starts = append(starts, at)
	}
	return starts
}

// scaled is n of most as a length on the chart.
func scaled(n, most int) string {
	return shortFloat(float64(ChartWidth) * float64(n) / float64(most))
}

// BarWidth scales a score against the most it could have been.
func BarWidth(score, most int) float64 {
	if most <= 0 || score <= 0 {
		return 0
	}
	return ChartWidth * min(float64(score)/float64(most), 1)
}

// shortFloat writes f with at most one decimal and no trailing ".0".
func shortFloat(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}
