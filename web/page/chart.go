package page

import (
	"fmt"
	"strconv"
	"strings"
)

// The criterion chart is an inline SVG drawn on the server: no chart script,
// readable with JavaScript off, and sized in a viewBox narrow enough that
// its text stays legible on a phone.
const (
	// ChartWidth is the width of a chart's viewBox.
	ChartWidth = 320
	// ChartRowGap is the height of one row of a bar chart.
	ChartRowGap = 40
	// chartBar is the thickness of a bar. Bars are stroked lines with round
	// caps, so a bar of length w is drawn from chartBar/2 to w-chartBar/2.
	chartBar = 10
)

// ChartView is the result chart. Its bars are few paths, one for all the
// tracks and one per kind of criterion, so the markup stays small: a result
// page must fit its weight budget (see budget_test.go).
type ChartView struct {
	Width  string
	Height string
	Desc   string
	Track  string // path data for every row's track
	Bars   []ChartBars
	Rows   []ChartRow
}

// ChartBars is the path data for the bars of one kind of criterion.
type ChartBars struct {
	Kind string
	D    string
}

// ChartRow is a row's text: the criterion on the left, its level on the
// right, above the bar.
type ChartRow struct {
	Label      string
	LevelLabel string
	Y          string
}

// NewChart draws the criteria as bars, in the order given.
func NewChart(criteria []CriterionView) ChartView {
	c := ChartView{Width: strconv.Itoa(ChartWidth), Height: strconv.Itoa(len(criteria) * ChartRowGap)}
	var (
		desc  []string
		track strings.Builder
		bars  = map[string]*strings.Builder{}
	)
	for i, cr := range criteria {
		top := i * ChartRowGap
		c.Rows = append(c.Rows, ChartRow{Label: cr.Label, LevelLabel: cr.LevelLabel, Y: strconv.Itoa(top + 14)})
		// The bar's centre line sits 26 below the row's top: the bar spans 21 to 31.
		start := fmt.Sprintf("M%d %d", chartBar/2, top+21+chartBar/2)
		fmt.Fprintf(&track, "%sh%d", start, ChartWidth-chartBar)
		if w := BarWidth(cr.Score, cr.Max); w > 0 {
			b := bars[cr.Kind]
			if b == nil {
				b = &strings.Builder{}
				bars[cr.Kind] = b
				c.Bars = append(c.Bars, ChartBars{Kind: cr.Kind})
			}
			// A score too small to reach past the round caps still shows as a dot.
			fmt.Fprintf(b, "%sh%s", start, shortFloat(max(w-chartBar, 0)))
		}
		desc = append(desc, fmt.Sprintf("%s: %s (%d of %d)", cr.Label, cr.LevelLabel, max(cr.Score, 0), cr.Max))
	}
	c.Track = track.String()
	for i := range c.Bars {
		c.Bars[i].D = bars[c.Bars[i].Kind].String()
	}
	c.Desc = strings.Join(desc, "; ") + "."
	return c
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
