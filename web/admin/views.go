package admin

import (
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/brief"
	"sessionplayer.studio/fitcheck/web/page"
)

// View models of the review area.

type chrome struct {
	Section    string // "list" or "dashboard": which nav item is current
	OwnerEmail string
	Done       string // confirmation of the last change
	// Script links page.Assets' share.js, for copy and print buttons that
	// stay hidden without it.
	Script bool
}

type choice struct {
	Value string
	Label string
}

type filterView struct {
	Order    string // "" is call first
	Outcome  string
	Status   string
	From     string
	To       string
	Search   string
	Problems []string
}

type listRowView struct {
	ID        string
	URL       string
	Date      string
	DateTime  string
	Outcome   string
	OutcomeNm string
	Status    string
	Deciding  string
	Words     string // first line of their own words
	Who       string // name and company, or "Anonymous"
	Named     bool
	Email     string
	Source    string
	New       bool
	Automated bool
	Booked    bool
	Messages  int
	Earlier   []takeView
}

type takeView struct {
	URL       string
	Date      string
	Outcome   string
	OutcomeNm string
}

type orderLink struct {
	Label   string
	URL     string
	Current bool
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
	Orders    []orderLink
	Back      string // this page, for the status buttons to return to
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
	Deliveries  []deliveryView
	ID          string
	Date        string
	Title       string // who took it
	Outcome     string
	OutcomeName string
	Rule        string
	Brief       brief.Brief
	BriefText   string // the plain-text copy, for the copy button
	Answers     []answerView
	Criteria    []page.CriterionView
	Contact     assessment.Contact
	ShareURL    string
	Status      string
	Statuses    []assessment.Status
	Notes       []noteView
	Version     string
	Back        string
	Calibration calibrationView
	Needed      []choice
	Messages    []noteView // what they wrote from the result page
	Source      string
	Automated   bool
	BookedAt    string
}

type calibrationView struct {
	Verdict string // "" until recorded
	Needed  string
	Summary string
	When    string
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
	Recorded int
}

type confusionRow struct {
	Outcome string
	Name    string
	Cells   []int
	Right   string
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

type labView struct {
	chrome
	Content      string
	Checked      bool
	Problems     []assessment.Problem
	Version      string
	Examples     []exampleRow
	Failures     int
	Steps        []previewStep
	Total        int
	ChangedCount int
	Moves        []moveRow
	Changed      []changeRow
	Unmapped     []unmappedRow
}

type exampleRow struct {
	Name, Expect, Got, Detail string
	Pass                      bool
}

type previewStep struct {
	Title, Intro string
	Questions    []previewQuestion
}

type previewQuestion struct {
	ID, Prompt, Help, Type string
	Required               bool
	Options                []string
}

type moveRow struct {
	From, FromID, To, ToID string
	Count                  int
}

type changeRow struct {
	URL, ID, Date, From, FromID, To, ToID string
	Unmapped                              bool
}

type unmappedRow struct {
	Text  string
	Count int
}
