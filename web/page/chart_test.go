package page_test

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/page"
)

// TestChartBarsEndInTheirLevel: for every criterion of every example, the
// row has one equal part per level and the bar ends inside the part of the
// level its label names, so a bar can never read as another level than the
// one written beside it, and rows compare at a glance.
func TestChartBarsEndInTheirLevel(t *testing.T) {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	part := float64(page.ChartWidth) / float64(len(q.Levels))
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
			if row.Parts != len(q.Levels) {
				t.Errorf("%s: %s has %d parts, want one per level (%d)", ex.Name, cr.ID, row.Parts, len(q.Levels))
			}
			lo, hi := part*float64(cr.LevelRank), part*float64(cr.LevelRank+1)
			if cr.Score <= 0 {
				if row.End != 0 {
					t.Errorf("%s: %s scored %d but its bar ends at %.1f, want none", ex.Name, cr.ID, cr.Score, row.End)
				}
			} else if row.End <= lo || row.End > hi+0.01 {
				t.Errorf("%s: %s bar ends at %.1f, outside the part of its level %q (%.1f to %.1f)", ex.Name, cr.ID, row.End, cr.Level, lo, hi)
			}
			if decided := isDecisive(res, cr.ID); row.Decisive != decided {
				t.Errorf("%s: %s marked decisive %v, want %v", ex.Name, cr.ID, row.Decisive, decided)
			}
		}
	}
}

// TestChartLead: the line above the chart names what decided the verdict
// and the clear signs of the other side it outweighed.
func TestChartLead(t *testing.T) {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range q.Examples {
		res := rules.Evaluate(q, ex.Answers)
		lead := page.NewChart(q, res).Lead
		for _, d := range res.Decisive {
			if !strings.Contains(lead, d.Label) {
				t.Errorf("%s: lead %q does not name %s, which decided it", ex.Name, lead, d.Label)
			}
		}
		if assessment.AddressesReader(lead) {
			t.Errorf("%s: lead %q speaks to the founder; a shared link shows it too", ex.Name, lead)
		}
		if ex.Expect == assessment.HireAPM && !strings.Contains(lead, "outweighed") {
			t.Errorf("%s: lead %q, want what the execution gap outweighed", ex.Name, lead)
		}
	}
}

func TestBarEnd(t *testing.T) {
	third := float64(page.ChartWidth) / 3
	for _, tt := range []struct {
		name              string
		starts            []int
		rank, score, most int
		want              float64
	}{
		{"nothing", []int{0, 3, 6}, 0, 0, 8, 0},
		{"top level, full", []int{0, 3, 6}, 2, 8, 8, float64(page.ChartWidth)},
		{"top level reached only by the most", []int{0, 3, 8}, 2, 8, 8, float64(page.ChartWidth)},
		{"half way through some", []int{0, 2, 6}, 1, 4, 8, third * 1.5},
		{"a sliver of not really", []int{0, 30, 60}, 0, 1, 80, 6},
	} {
		if got := page.BarEnd(tt.starts, tt.rank, tt.score, tt.most); abs(got-tt.want) > 0.01 {
			t.Errorf("BarEnd(%s) = %.2f, want %.2f", tt.name, got, tt.want)
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

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
