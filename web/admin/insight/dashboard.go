package insight

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

// dashboardView is the dashboard page.
type dashboardView struct {
	frame.Chrome
	Channels []string // notification channels configured
	Periods  []string
	Counts   []outcomeCountRow
	Total    outcomeCountRow
	Weekly   weeklyChartView
	Funnel   funnelChartView
	// Waiting counts founders who consented and are not contacted yet.
	Waiting     int
	Calibration confusionView
	Bookings    []bookingRow
}

type outcomeCountRow struct {
	Outcome string
	Name    string
	Counts  []int
}

type bookingRow struct {
	Outcome string
	Name    string
	Total   int
	Clicked int
	Booked  int
	Rate    string
}

type confusionView struct {
	Columns  []string // every recorded column, in order
	Needed   []string // the not-a-fit columns' outcome names
	Rows     []confusionRow
	Rules    []ruleRightRow // per rule, the rules with a recorded call
	Recorded int
	MinCalls int // fewer calls than this are too few to judge
}

type confusionRow struct {
	Outcome string
	Name    string
	Cells   []int
	Right   rightness
}

// ruleRightRow is how often one rule's predictions held.
type ruleRightRow struct {
	Rule    string
	Outcome string
	Name    string // the outcome's name
	NoCall  int
	Right   rightness
}

// dashboardWeeks is how far back the weekly chart reaches.
const dashboardWeeks = 12

func (h *Handler) Dashboard(w http.ResponseWriter, r *http.Request) error {
	now := h.area.Now().UTC()
	v := dashboardView{Chrome: h.area.Chrome(r, "dashboard")}
	if h.notifier != nil {
		v.Channels = h.notifier.Channels()
	}
	periods := []int{7, 30, 90}
	since := make([]time.Time, len(periods))
	for i, days := range periods {
		since[i] = now.AddDate(0, 0, -days)
		v.Periods = append(v.Periods, fmt.Sprintf("Last %d days", days))
	}
	counts, err := h.store.CountOutcomesSince(r.Context(), since...)
	if err != nil {
		return err
	}
	for _, id := range assessment.OutcomeIDs {
		row := outcomeCountRow{Outcome: id, Name: h.area.OutcomeName(id)}
		for i := range periods {
			row.Counts = append(row.Counts, counts[i][id])
		}
		v.Counts = append(v.Counts, row)
	}
	total := outcomeCountRow{Name: "All outcomes"}
	for i := range periods {
		total.Counts = append(total.Counts, countAll(counts[i]))
	}
	v.Total = total

	start := assessment.WeekStart(now).AddDate(0, 0, -7*(dashboardWeeks-1))
	weekly, err := h.store.WeeklyOutcomes(r.Context(), start)
	if err != nil {
		return err
	}
	v.Weekly = h.newWeeklyChart(start, weekly)

	funnelSince := now.AddDate(0, 0, -30)
	funnel, err := h.store.Funnel(r.Context(), funnelSince)
	if err != nil {
		return err
	}
	v.Funnel = h.newFunnelChart(funnel)

	if v.Waiting, err = h.store.CountWaiting(r.Context()); err != nil {
		return err
	}
	cal, err := h.store.CountCalibrationsByRule(r.Context())
	if err != nil {
		return err
	}
	v.Calibration = h.newConfusion(cal)
	bookings, err := h.store.CountBookings(r.Context(), now.AddDate(0, 0, -bookingDays))
	if err != nil {
		return err
	}
	v.Bookings = h.bookingRows(counts[len(counts)-1], bookings)
	h.area.Pages.Render(w, r, http.StatusOK, dashboardPage(v))
	return nil
}

// bookingDays is the window of the booking rates: the dashboard's longest.
const bookingDays = 90

// bookingRows gives each outcome's booking rate: of the assessments that
// reached it in the window, how many followed the booking link and booked.
func (h *Handler) bookingRows(totals map[string]int, bookings []assessment.BookingCount) []bookingRow {
	by := map[string]assessment.BookingCount{}
	for _, b := range bookings {
		by[b.Outcome] = b
	}
	out := make([]bookingRow, 0, len(assessment.OutcomeIDs))
	for _, id := range assessment.OutcomeIDs {
		b := by[id]
		row := bookingRow{Outcome: id, Name: h.area.OutcomeName(id), Total: totals[id], Clicked: b.Clicked, Booked: b.Booked, Rate: "—"}
		if row.Total > 0 {
			row.Rate = strconv.Itoa(100*row.Booked/row.Total) + "%"
		}
		out = append(out, row)
	}
	return out
}

// newConfusion lays out predicted against recorded: a row per predicted
// outcome, a column per thing the owner can record, and how often the
// rules were right among the calls that happened, per outcome and per
// rule, with a Wilson interval once there are enough calls to judge.
func (h *Handler) newConfusion(counts []assessment.CalibrationCount) confusionView {
	v := confusionView{Columns: []string{"A fit"}, MinCalls: minCallsToJudge}
	for _, id := range assessment.NeededInstead {
		v.Columns = append(v.Columns, "Needed: "+h.area.OutcomeName(id))
		v.Needed = append(v.Needed, h.area.OutcomeName(id))
	}
	v.Columns = append(v.Columns, "No call")
	column := func(c assessment.CalibrationCount) int {
		switch c.Verdict {
		case assessment.VerdictFit:
			return 0
		case assessment.VerdictNotFit:
			for i, id := range assessment.NeededInstead {
				if id == c.Needed {
					return 1 + i
				}
			}
		}
		return len(v.Columns) - 1
	}
	for _, id := range assessment.OutcomeIDs {
		row := confusionRow{Outcome: id, Name: h.area.OutcomeName(id), Cells: make([]int, len(v.Columns))}
		right, called := 0, 0
		for _, c := range counts {
			if c.Predicted != id {
				continue
			}
			row.Cells[column(c)] += c.Count
			v.Recorded += c.Count
			if c.Verdict == assessment.VerdictNoCall {
				continue
			}
			called += c.Count
			if predictionHeld(id, c) {
				right += c.Count
			}
		}
		row.Right = newRightness(right, called)
		v.Rows = append(v.Rows, row)
	}
	v.Rules = h.ruleRightRows(counts)
	return v
}

// ruleRightRows is how often each rule's predictions held, for every rule
// with a recorded call, in the order the counts come (by outcome, then rule).
func (h *Handler) ruleRightRows(counts []assessment.CalibrationCount) []ruleRightRow {
	var rows []ruleRightRow
	right := map[string][2]int{} // rule → right, called
	for _, c := range counts {
		if n := len(rows); n == 0 || rows[n-1].Rule != c.Rule || rows[n-1].Outcome != c.Predicted {
			rows = append(rows, ruleRightRow{Rule: c.Rule, Outcome: c.Predicted, Name: h.area.OutcomeName(c.Predicted)})
		}
		row := &rows[len(rows)-1]
		key := c.Predicted + "\x00" + c.Rule
		rc := right[key]
		switch {
		case c.Verdict == assessment.VerdictNoCall:
			row.NoCall += c.Count
		case predictionHeld(c.Predicted, c):
			rc[0] += c.Count
			rc[1] += c.Count
		default:
			rc[1] += c.Count
		}
		right[key] = rc
	}
	for i := range rows {
		rc := right[rows[i].Outcome+"\x00"+rows[i].Rule]
		rows[i].Right = newRightness(rc[0], rc[1])
		if rows[i].Rule == "" {
			rows[i].Rule = "(not recorded)"
		}
	}
	return rows
}

// predictionHeld reports whether a recorded call agrees with the outcome
// predicted: a fit for the outcomes that invite a call, the very outcome
// needed for those that route elsewhere.
func predictionHeld(predicted string, c assessment.CalibrationCount) bool {
	if predicted == assessment.BookACall || predicted == assessment.WorthAConversation {
		return c.Verdict == assessment.VerdictFit
	}
	return c.Verdict == assessment.VerdictNotFit && c.Needed == predicted
}

// The weekly chart: one stacked column per week, a segment per outcome.
const (
	weeklyWidth  = 360
	weeklyHeight = 160
	weeklyBase   = 140 // y of the baseline; the space below holds labels
)

type weeklyChartView struct {
	Width   string
	Height  string
	BaseY   string
	LabelY  string
	Max     int
	Desc    string
	Columns []weekColumn
	Legend  []frame.Choice
}

type weekColumn struct {
	Label     string
	ShowLabel bool
	X         string
	Total     int
	Segments  []weekSegment
}

type weekSegment struct {
	Outcome string
	X       string
	Y       string
	Width   string
	Height  string
	Title   string
}

func (h *Handler) newWeeklyChart(start time.Time, counts []assessment.WeekCount) weeklyChartView {
	byWeek := map[string]map[string]int{}
	for _, c := range counts {
		k := c.WeekStart.UTC().Format(frame.DateLayout)
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
		k := week.Format(frame.DateLayout)
		col := weekColumn{Label: week.Format("2 Jan"), X: fmtFloat(float64(i)*slot + slot/2)}
		y := float64(weeklyBase)
		total := 0
		var parts []string
		for _, id := range assessment.OutcomeIDs {
			n := byWeek[k][id]
			if n == 0 {
				continue
			}
			height := float64(n) * scale
			y -= height
			col.Segments = append(col.Segments, weekSegment{
				Outcome: id, X: fmtFloat(float64(i)*slot + slot*0.2), Y: fmtFloat(y),
				Width: fmtFloat(slot * 0.6), Height: fmtFloat(height), Title: fmt.Sprintf("%s: %d", h.area.OutcomeName(id), n),
			})
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(h.area.OutcomeName(id))))
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
	v.Legend = h.area.OutcomeChoices()
	v.BaseY = strconv.Itoa(weeklyBase)
	v.LabelY = strconv.Itoa(weeklyBase + 14)
	return v
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

type funnelChartView struct {
	Width  string
	Height string
	Rows   []funnelRow
}

type funnelRow struct {
	Label    string
	Count    int
	Share    string
	LabelY   string
	BarY     string
	BarWidth string
}

// newFunnelChart turns step views into bars: started, each step, finished.
func (h *Handler) newFunnelChart(steps []assessment.FunnelStep) funnelChartView {
	q := h.area.Forms.Current()
	funnel := assessment.FunnelOf(q)
	seen := map[int]int{}
	for _, st := range steps {
		seen[st.Step] = st.Visitors
	}
	v := funnelChartView{Width: strconv.Itoa(page.ChartWidth)}
	started := seen[funnel.Started()]
	labels := []string{"Started"}
	counts := []int{started}
	for i, st := range q.Steps {
		labels = append(labels, fmt.Sprintf("Step %d: %s", i+1, st.Title))
		counts = append(counts, seen[funnel.Step(i)])
	}
	labels = append(labels, fmt.Sprintf("Step %d: %s", funnel.Contact(), q.Contact.Title), "Finished")
	counts = append(counts, seen[funnel.Contact()], seen[funnel.Finished()])
	for i, label := range labels {
		top := i * page.ChartRowGap
		share := ""
		if started > 0 {
			share = fmt.Sprintf("%d%%", counts[i]*100/started)
		}
		v.Rows = append(v.Rows, funnelRow{
			Label: label, Count: counts[i], Share: share,
			LabelY: strconv.Itoa(top + 14), BarY: strconv.Itoa(top + 21),
			BarWidth: fmtFloat(page.BarWidth(counts[i], max(started, 1))),
		})
	}
	v.Height = strconv.Itoa(len(v.Rows) * page.ChartRowGap)
	return v
}

// countAll is the assessments of every outcome together.
func countAll(byOutcome map[string]int) int {
	n := 0
	for _, c := range byOutcome {
		n += c
	}
	return n
}
