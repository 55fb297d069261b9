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
)

type chartView struct {
	Width  string
	Height string
	Desc   string
	Rows   []chartRow
}

type chartRow struct {
	Label      string
	LevelLabel string
	Kind       string
	LabelY     string
	BarY       string
	BarWidth   string
}

func newChart(criteria []criterionView) chartView {
	c := chartView{Width: strconv.Itoa(chartWidth), Height: strconv.Itoa(len(criteria) * chartRowGap)}
	var desc []string
	for i, cr := range criteria {
		top := i * chartRowGap
		c.Rows = append(c.Rows, chartRow{
			Label:      cr.Label,
			LevelLabel: cr.LevelLabel,
			Kind:       cr.Kind,
			LabelY:     strconv.Itoa(top + 14),
			BarY:       strconv.Itoa(top + 21),
			BarWidth:   strconv.FormatFloat(barWidth(cr.Score, cr.Max), 'f', 1, 64),
		})
		desc = append(desc, fmt.Sprintf("%s: %s (%d of %d)", cr.Label, cr.LevelLabel, max(cr.Score, 0), cr.Max))
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
