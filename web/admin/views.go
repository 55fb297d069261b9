package admin

import (
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// View models of the review area.

type chrome struct {
	Section    string // "list" or "dashboard": which nav item is current
	OwnerEmail string
	Done       string // confirmation of the last change
}

type choice struct {
	Value string
	Label string
}

type filterView struct {
	Outcome  string
	Status   string
	From     string
	To       string
	Search   string
	Problems []string
}

type listRowView struct {
	URL       string
	Date      string
	Outcome   string
	OutcomeNm string
	Status    string
	Strongest string
	Contact   string
	Email     string
}

type listView struct {
	chrome
	Filter    filterView
	Outcomes  []choice
	Statuses  []assessment.Status
	Rows      []listRowView
	Total     int
	Showing   string
	PrevURL   string
	NextURL   string
	ExportURL string
}

type answerView struct {
	Prompt  string
	Answers []string
}

type noteView struct {
	Author string
	When   string
	Body   []string
}

type detailView struct {
	chrome
	ID       string
	Date     string
	Outcome  string
	Reason   string
	Rule     string
	Answers  []answerView
	Criteria []page.CriterionView
	Contact  assessment.Contact
	ShareURL string
	Status   string
	Statuses []assessment.Status
	Notes    []noteView
	Version  string
}

type deleteView struct {
	chrome
	ID      string
	Date    string
	Outcome string
	Who     string
}

type outcomeCountRow struct {
	Outcome string
	Name    string
	Counts  []int
}

type weekSegment struct {
	Outcome string
	X       string
	Y       string
	Width   string
	Height  string
	Title   string
}

type weekColumn struct {
	Label     string
	ShowLabel bool
	X         string
	Total     int
	Segments  []weekSegment
}

type weeklyChartView struct {
	Width   string
	Height  string
	BaseY   string
	LabelY  string
	Max     int
	Desc    string
	Columns []weekColumn
	Legend  []choice
}

type funnelRow struct {
	Label    string
	Count    int
	Share    string
	LabelY   string
	BarY     string
	BarWidth string
}

type funnelChartView struct {
	Width  string
	Height string
	Rows   []funnelRow
}

type dashboardView struct {
	chrome
	Periods []string
	Counts  []outcomeCountRow
	Total   outcomeCountRow
	Weekly  weeklyChartView
	Funnel  funnelChartView
}

type signInView struct {
	Email string
	Next  string
	Error string
	Done  string
}

type setupView struct {
	Token  string
	Email  string
	Errors map[string]string
}
