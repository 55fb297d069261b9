package web

import (
	"fmt"
	"strconv"
	"strings"
)

// The criterion chart is an inline SVG drawn on the server: no chart script,
// readable with JavaScript off, and sized in a viewBox narrow enough that
// its text stays legible on a phone.
const (
	chartWidth  = 320
	chartRowGap = 40
	// chartBar is the thickness of a bar. Bars are stroked lines with round
	// caps, so a bar of length w is drawn from chartBar/2 to w-chartBar/2.
	chartBar = 10
)

// chartView is the result chart. Its bars are few paths, one for all the
// tracks and one per kind of criterion, so the markup stays small: a result
// page must fit its weight budget (see budget_test.go).
type chartView struct {
	Width  string
	Height string
	Desc   string
	Track  string // path data for every row's track
	Bars   []chartBars
	Rows   []chartRow
}

// chartBars is the path data for the bars of one kind of criterion.
type chartBars struct {
	Kind string
	D    string
}

// chartRow is a row's text: the criterion on the left, its level on the
// right, above the bar.
type chartRow struct {
	Label      string
	LevelLabel string
	Y          string
}

func newChart(criteria []criterionView) chartView {
	c := chartView{Width: strconv.Itoa(chartWidth), Height: strconv.Itoa(len(criteria) * chartRowGap)}
	var (
		desc  []string
		track strings.Builder
		bars  = map[string]*strings.Builder{}
	)
	for i, cr := range criteria {
		top := i * chartRowGap
		c.Rows = append(c.Rows, chartRow{Label: cr.Label, LevelLabel: cr.LevelLabel, Y: strconv.Itoa(top + 14)})
		// The bar's centre line sits 26 below the row's top: the bar spans 21 to 31.
		start := fmt.Sprintf("M%d %d", chartBar/2, top+21+chartBar/2)
		fmt.Fprintf(&track, "%sh%d", start, chartWidth-chartBar)
		if w := barWidth(cr.Score, cr.Max); w > 0 {
			b := bars[cr.Kind]
			if b == nil {
				b = &strings.Builder{}
				bars[cr.Kind] = b
				c.Bars = append(c.Bars, chartBars{Kind: cr.Kind})
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

// barWidth scales a score against the most it could have been.
func barWidth(score, most int) float64 {
	if most <= 0 || score <= 0 {
		return 0
	}
	return chartWidth * min(float64(score)/float64(most), 1)
}

// shortFloat writes f with at most one decimal and no trailing ".0".
func shortFloat(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}
