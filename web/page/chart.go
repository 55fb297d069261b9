package page

import (
	"fmt"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// The criterion chart is an inline SVG drawn on the server: no chart
// script, readable with JavaScript off, in dark mode and in print. It is
// honest at a glance: every row is cut into equal parts, one per level
// ("not really", "some signs", "a clear signal"), and a bar ends in the
// part of the level written beside it, so rows compare by level whatever
// their scores' scales; signs for and against are grouped under their own
// headings; the criteria that decided the verdict are marked and drawn
// strong, the others quiet; and one line above says what outweighed what.
const (
	// ChartWidth is the width of a chart's viewBox.
	ChartWidth = 320
	// ChartRowGap is the height of one row of a bar chart.
	ChartRowGap = 40
	// chartBar is the height of a bar and of the track it fills.
	chartBar = 10
	// chartGap separates the parts of a row's track.
	chartGap = 3
	// chartHeading is the height of a group's heading row.
	chartHeading = 28
)

// ChartView is the result chart: rows of text, and its shapes gathered
// into a few paths (the track, and one per kind of bar, strong or quiet),
// so the markup stays small: a result page must fit its weight budget.
type ChartView struct {
	Width  string
	Height string
	Desc   string // the text alternative: every row in words
	Lead   string // one line: what decided the verdict, and what it outweighed
	Rows   []ChartRow
	Levels []string // the parts' names, lowest first, for the legend
	Kinds  []ChartKind
	Paths  []ChartPath
	Dash   string // the stroke-dasharray that cuts tracks and bars into one part per level
}

// ChartKind is a kind of criterion the chart shows, for the legend.
type ChartKind struct {
	Kind  string
	Label string
}

// ChartPath is the path data of every line of one class.
type ChartPath struct {
	Class string // "track", or "bar kind-…" with " quiet" for rows that did not decide
	D     string
}

// ChartRow is a group heading (Heading set) or one criterion's row.
type ChartRow struct {
	Heading    string
	Label      string
	LevelLabel string
	Kind       string
	Decisive   bool
	Y          string  // of the text's baseline
	BarY       int     // of the track and the bar
	Parts      int     // how many equal parts the track has: one per level
	End        float64 // where the bar ends, from 0 to ChartWidth
}

// NewChart draws the criteria of res, grouped by kind, each row in equal
// parts per level of q, with the decisive ones marked.
func NewChart(q *assessment.Questionnaire, res assessment.Result) ChartView {
	decisive := map[string]bool{}
	for _, d := range res.Decisive {
		decisive[d.Criterion] = true
	}
	c := ChartView{Width: strconv.Itoa(ChartWidth), Lead: chartLead(q, res)}
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
				c.Kinds = append(c.Kinds, ChartKind{Kind: string(kind), Label: kind.ShortHeading()})
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
	c.Dash = chartDash(len(q.Levels))
	return c
}

// chartRow places one criterion: its label and level, and where its bar
// ends within the part of its level.
func chartRow(q *assessment.Questionnaire, cr assessment.CriterionResult, decisive bool, top int) (ChartRow, string) {
	row := ChartRow{Label: cr.Label, LevelLabel: cr.LevelLabel, Kind: string(cr.Kind), Decisive: decisive,
		Y: strconv.Itoa(top + 14), BarY: top + 20, Parts: max(len(q.Levels), 1)}
	row.End = BarEnd(levelStarts(q, cr.ID, max(cr.Max, 1)), cr.LevelRank, cr.Score, cr.Max)
	words := fmt.Sprintf("%s: %s, %d of %d", cr.Label, cr.LevelLabel, max(cr.Score, 0), cr.Max)
	if decisive {
		words += ", decided it"
	}
	return row, words
}

// BarEnd is where a bar ends on a row of equal parts, one per level: in
// the part of the level reached (rank), as far into it as the score is
// between that level's first score and the next level's (starts, lowest
// first). A score of nothing draws no bar.
func BarEnd(starts []int, rank, score, most int) float64 {
	n := len(starts)
	if n == 0 || score <= 0 || most <= 0 {
		return 0
	}
	rank = min(max(rank, 0), n-1)
	from, to := starts[rank], most
	if rank+1 < n {
		to = starts[rank+1]
	}
	within := 1.0
	if to > from {
		within = min(max(float64(score-from)/float64(to-from), 0), 1)
	}
	part := float64(ChartWidth) / float64(n)
	// A bar is never shorter than a sliver of its own part, so a level
	// reached is always seen to be reached.
	return part*float64(rank) + max(within*part, 6)
}

// levelStarts is the score at which each level begins for criterion id,
// lowest first, held within 0 and most.
func levelStarts(q *assessment.Questionnaire, id string, most int) []int {
	def, _ := q.Criterion(id)
	starts := []int{0}
	if len(q.Levels) == 0 {
		return starts
	}
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

// chartPaths gathers the rows' lines into one path per class: the tracks
// first, then the bars over them, strong for the rows that decided the
// verdict and quiet for the rest. Tracks and bars are stroked lines cut
// into the row's equal parts by the same dash pattern (ChartView.Dash), so
// the parts stay readable under a bar, and the markup stays a few bytes a
// row.
func chartPaths(rows []ChartRow) []ChartPath {
	d := map[string]*strings.Builder{}
	order := []string{"track"}
	add := func(class string, y int, length float64) {
		if d[class] == nil {
			d[class] = &strings.Builder{}
			if class != "track" {
				order = append(order, class)
			}
		}
		fmt.Fprintf(d[class], "M0 %dh%s", y+chartBar/2, shortFloat(length))
	}
	for _, row := range rows {
		if row.Heading != "" {
			continue
		}
		add("track", row.BarY, ChartWidth)
		if row.End > 0 {
			bar := "bar kind-" + row.Kind
			if !row.Decisive {
				bar += " quiet"
			}
			add(bar, row.BarY, row.End)
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

// chartDash is the dash pattern that cuts a row into parts equal parts:
// each part's length less the gap, then the gap.
func chartDash(parts int) string {
	part := float64(ChartWidth) / float64(max(parts, 1))
	return shortFloat(part-chartGap) + " " + strconv.Itoa(chartGap)
}

// chartLead says in one line what decided the verdict and what it
// outweighed: the decisive criteria, and how many clear signs of the other
// side did not carry the day. It names no one ("you"), so a shared link
// reads it too.
func chartLead(q *assessment.Questionnaire, res assessment.Result) string {
	if len(res.Decisive) == 0 {
		return "No single criterion decided it: none was clear enough on its own."
	}
	decisive, kinds := map[string]bool{}, map[assessment.CriterionKind]bool{}
	var names []string
	for _, d := range res.Decisive {
		decisive[d.Criterion] = true
		names = append(names, "“"+d.Label+"”")
		if cr, ok := res.Criterion(d.Criterion); ok {
			kinds[cr.Kind] = true
		}
	}
	if len(kinds) > 1 {
		return listWords(names) + " decided it together."
	}
	top := len(q.Levels) - 1
	outweighed := map[assessment.CriterionKind]int{}
	for _, cr := range res.Criteria {
		if !decisive[cr.ID] && cr.LevelRank == top && !kinds[cr.Kind] && cr.Kind != assessment.Context {
			outweighed[cr.Kind]++
		}
	}
	var against []string
	for _, kind := range assessment.CriterionKinds {
		if n := outweighed[kind]; n > 0 {
			against = append(against, countWords(n, "clear sign")+" "+kindSide[kind])
		}
	}
	if len(against) > 0 {
		return listWords(names) + " outweighed " + listWords(against) + "."
	}
	return listWords(names) + " decided it, and no clear sign pointed the other way."
}

// kindSide says which side a criterion's kind argues, after "clear signs".
var kindSide = map[assessment.CriterionKind]string{
	assessment.FitSignal:    "for a fractional leader",
	assessment.NotFitSignal: "against one",
}

// countWords is n things in words: "one clear sign", "three clear signs".
func countWords(n int, thing string) string {
	numbers := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	word := strconv.Itoa(n)
	if n < len(numbers) {
		word = numbers[n]
	}
	if n != 1 {
		thing += "s"
	}
	return word + " " + thing
}

// listWords joins words as a sentence lists them: "a", "a and b", "a, b and c".
func listWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
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
