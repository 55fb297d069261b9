package page_test

import (
	"strconv"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/page"
)

// TestChartZonesMatchThresholds: for every criterion of every example, the
// zones under its bar begin where its levels begin, and the bar ends in the
// zone of the level its label names, so a bar can never read as another
// level than the one written beside it.
func TestChartZonesMatchThresholds(t *testing.T) {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range q.Examples {
		res := rules.Evaluate(q, ex.Answers)
		chart := page.NewChart(q, res)
		rows := map[string]page.ChartRow{}
		for _, row := range chart.Rows {
			if row.Heading == "" {
				rows[row.Label] = row
			}
		}
		for _, cr := range res.Criteria {
			row, ok := rows[cr.Label]
			if !ok {
				t.Fatalf("%s: no chart row for %s", ex.Name, cr.ID)
			}
			def, _ := q.Criterion(cr.ID)
			most := float64(max(cr.Max, 1))
			for _, z := range row.Zones {
				if z.LevelID == q.Levels[0].ID {
					continue
				}
				want := float64(page.ChartWidth) * float64(min(def.Thresholds[z.LevelID], cr.Max)) / most
				widened := z.Level == "strong" && want > page.ChartWidth-6 // a top level reached only by the highest score is drawn a little wider
				if got := parse(t, z.X); abs(got-want) > 0.1 && !(widened && got < want) {
					t.Errorf("%s: %s zone %s starts at %.1f, want %.1f (threshold %d of %d)", ex.Name, cr.ID, z.LevelID, got, want, def.Thresholds[z.LevelID], cr.Max)
				}
			}
			end := parse(t, row.Bar.W)
			var in string
			for _, z := range row.Zones {
				if x := parse(t, z.X); end >= x-0.05 && (end < x+parse(t, z.W)-0.05 || x+parse(t, z.W) >= page.ChartWidth-0.05) {
					in = z.LevelID
				}
			}
			if end == 0 {
				in = q.Levels[0].ID
			}
			if in != cr.Level {
				t.Errorf("%s: %s bar ends at %.1f, in zone %q, but its level is %q", ex.Name, cr.ID, end, in, cr.Level)
			}
			if decided := isDecisive(res, cr.ID); row.Decisive != decided {
				t.Errorf("%s: %s marked decisive %v, want %v", ex.Name, cr.ID, row.Decisive, decided)
			}
		}
	}
}

func isDecisive(res assessment.Result, id string) bool {
	for _, d := range res.Decisive {
		if d.Criterion == id {
			return true
		}
	}
	return false
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return f
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
