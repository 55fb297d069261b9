package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// dashboardWeeks is how far back the weekly chart reaches.
const dashboardWeeks = 12

func (s *Server) adminDashboard(w http.ResponseWriter, r *http.Request) error {
	now := s.now().UTC()
	v := adminDashboardView{adminChrome: s.chrome(r, "dashboard")}
	periods := []int{7, 30, 90}
	counts := make([]map[string]int, len(periods))
	for i, days := range periods {
		c, err := s.store.CountOutcomes(r.Context(), now.AddDate(0, 0, -days))
		if err != nil {
			return err
		}
		counts[i] = c
		v.Periods = append(v.Periods, fmt.Sprintf("Last %d days", days))
	}
	for _, id := range assessment.OutcomeIDs {
		row := outcomeCountRow{Outcome: id, Name: outcomeName(id)}
		for i := range periods {
			row.Counts = append(row.Counts, counts[i][id])
		}
		v.Counts = append(v.Counts, row)
	}
	total := outcomeCountRow{Name: "All outcomes"}
	for i := range periods {
		n := 0
		for _, c := range counts[i] {
			n += c
		}
		total.Counts = append(total.Counts, n)
	}
	v.Total = total

	start := assessment.WeekStart(now).AddDate(0, 0, -7*(dashboardWeeks-1))
	weekly, err := s.store.WeeklyOutcomes(r.Context(), start)
	if err != nil {
		return err
	}
	v.Weekly = newWeeklyChart(start, weekly)

	funnelSince := now.AddDate(0, 0, -30)
	funnel, err := s.store.Funnel(r.Context(), funnelSince)
	if err != nil {
		return err
	}
	v.Funnel = s.newFunnelChart(funnel)
	s.render(w, r, http.StatusOK, adminDashboardPage(v))
	return nil
}

// The weekly chart: one stacked column per week, a segment per outcome.
const (
	weeklyWidth  = 360
	weeklyHeight = 160
	weeklyBase   = 140 // y of the baseline; the space below holds labels
)

func newWeeklyChart(start time.Time, counts []assessment.WeekCount) weeklyChartView {
	byWeek := map[string]map[string]int{}
	for _, c := range counts {
		k := c.WeekStart.UTC().Format(dateLayout)
		if byWeek[k] == nil {
			byWeek[k] = map[string]int{}
		}
		byWeek[k][c.Outcome] += c.Count
	}
	most := 1
	for _, m := range byWeek {
		n := 0
		for _, c := range m {
			n += c
		}
		most = max(most, n)
	}
	v := weeklyChartView{Width: strconv.Itoa(weeklyWidth), Height: strconv.Itoa(weeklyHeight), Max: most}
	slot := float64(weeklyWidth) / dashboardWeeks
	scale := float64(weeklyBase-10) / float64(most)
	var desc []string
	for i := range dashboardWeeks {
		week := start.AddDate(0, 0, 7*i)
		k := week.Format(dateLayout)
		col := weekColumn{Label: week.Format("2 Jan"), X: fmtFloat(float64(i)*slot + slot/2)}
		y := float64(weeklyBase)
		total := 0
		var parts []string
		for _, id := range assessment.OutcomeIDs {
			n := byWeek[k][id]
			if n == 0 {
				continue
			}
			h := float64(n) * scale
			y -= h
			col.Segments = append(col.Segments, weekSegment{
				Outcome: id, X: fmtFloat(float64(i)*slot + slot*0.2), Y: fmtFloat(y),
				Width: fmtFloat(slot * 0.6), Height: fmtFloat(h), Title: fmt.Sprintf("%s: %d", outcomeName(id), n),
			})
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(outcomeName(id))))
		}
		col.Total = total
		col.ShowLabel = i%3 == 0 || i == dashboardWeeks-1
		v.Columns = append(v.Columns, col)
		if total > 0 {
			desc = append(desc, fmt.Sprintf("week of %s: %s", week.Format("2 January"), strings.Join(parts, ", ")))
		}
	}
	if len(desc) == 0 {
		v.Desc = "No assessments in the last twelve weeks."
	} else {
		v.Desc = "Assessments by outcome per week. " + strings.Join(desc, "; ") + "."
	}
	for _, id := range assessment.OutcomeIDs {
		v.Legend = append(v.Legend, choice{Value: id, Label: outcomeName(id)})
	}
	v.BaseY = strconv.Itoa(weeklyBase)
	v.LabelY = strconv.Itoa(weeklyBase + 14)
	return v
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// newFunnelChart turns step views into bars: started, each step, finished.
func (s *Server) newFunnelChart(steps []assessment.FunnelStep) funnelChartView {
	q := s.current
	last := len(q.Steps) + 1 // the contact step
	seen := map[int]int{}
	for _, st := range steps {
		seen[st.Step] = st.Visitors
	}
	v := funnelChartView{Width: strconv.Itoa(chartWidth)}
	started := seen[0]
	labels := []string{"Started"}
	counts := []int{started}
	for i, st := range q.Steps {
		labels = append(labels, fmt.Sprintf("Step %d: %s", i+1, st.Title))
		counts = append(counts, seen[i+1])
	}
	labels = append(labels, fmt.Sprintf("Step %d: %s", last, q.Contact.Title), "Finished")
	counts = append(counts, seen[last], seen[last+1])
	for i, label := range labels {
		top := i * chartRowGap
		share := ""
		if started > 0 {
			share = fmt.Sprintf("%d%%", counts[i]*100/started)
		}
		v.Rows = append(v.Rows, funnelRow{
			Label: label, Count: counts[i], Share: share,
			LabelY: strconv.Itoa(top + 14), BarY: strconv.Itoa(top + 21),
			BarWidth: fmtFloat(barWidth(counts[i], max(started, 1))),
		})
	}
	v.Height = strconv.Itoa(len(v.Rows) * chartRowGap)
	return v
}
