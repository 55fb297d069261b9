package desk

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
)

// pageSize is how many rows the list shows at once.
const pageSize = 25

// listView is the list page: the search and the folded filters with the
// active ones as chips, one line per founder, and the pager.
type listView struct {
	frame.Chrome
	Filter    filterView
	Chips     []chipView
	Outcomes  []frame.Choice
	Statuses  []assessment.Status
	Rows      []listRowView
	Total     int
	Count     string // "43 founders", or how many match
	Showing   string // "1–25", when there is more than one page
	PrevURL   string
	NextURL   string
	ExportURL string
	Orders    []orderLink
	Back      string // this page, for the status menus to return to
}

type filterView struct {
	Order     string // "" is call first
	Outcome   string
	Status    string
	Consented bool
	From      string
	To        string
	Search    string
	Problems  []string
}

// chipView is one filter in force, as a link that lifts it.
type chipView struct {
	Label     string
	RemoveURL string
}

// listRowView is one founder on one line: who, the verdict and what
// decided it, their words, when, and the follow-up.
type listRowView struct {
	ID        string
	URL       string
	Ago       string // "2 h ago"
	Exact     string // the date and time, in the owner's zone
	DateTime  string
	Outcome   string
	OutcomeNm string
	Status    string
	Deciding  string // the criterion the outcome turned on most
	WhyAll    string // every deciding criterion with its level, for a title
	Words     string // first line of their own words
	Name      string // name, or the e-mail when they gave no name
	Company   string
	Named     bool // left their details: the row can be followed up
	Automated bool
	Booked    bool
	Messages  int
	New       bool
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

// filterFromQuery reads the list filters. Unknown values are dropped with a
// note rather than failing the page.
func (h *Handler) filterFromQuery(q url.Values) (assessment.Filter, filterView) {
	f := assessment.Filter{}
	v := filterView{Outcome: q.Get("outcome"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Search: strings.TrimSpace(q.Get("q")), Order: q.Get("order"),
		Consented: q.Get("contact") == "given"}
	f.Consented = v.Consented
	if o := assessment.Order(v.Order); o.Valid() {
		f.Order = o
	} else {
		f.Order, v.Order = assessment.OrderCallFirst, ""
	}
	if _, ok := h.area.Forms.Current().Outcome(v.Outcome); ok {
		f.Outcome = v.Outcome
	} else if v.Outcome != "" {
		v.Problems = append(v.Problems, "Unknown outcome ignored.")
		v.Outcome = ""
	}
	if st := assessment.Status(v.Status); st.Valid() {
		f.Status = st
	} else if v.Status != "" {
		v.Problems = append(v.Problems, "Unknown status ignored.")
		v.Status = ""
	}
	// Days begin at midnight where the owner is, not in UTC.
	if t, err := time.ParseInLocation(frame.DateLayout, v.From, h.area.Zone); err == nil {
		f.From = t
	} else if v.From != "" {
		v.Problems = append(v.Problems, "The “from” date wasn't a date (use YYYY-MM-DD) and was ignored.")
		v.From = ""
	}
	if t, err := time.ParseInLocation(frame.DateLayout, v.To, h.area.Zone); err == nil {
		f.To = t.AddDate(0, 0, 1) // the "to" day is included
	} else if v.To != "" {
		v.Problems = append(v.Problems, "The “to” date wasn't a date (use YYYY-MM-DD) and was ignored.")
		v.To = ""
	}
	if utf8.RuneCountInString(v.Search) > 200 {
		v.Search = string([]rune(v.Search)[:200])
	}
	f.Search = v.Search
	return f, v
}

func (v filterView) query() url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"outcome": v.Outcome, "status": v.Status, "from": v.From, "to": v.To, "q": v.Search, "order": v.Order} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Consented {
		q.Set("contact", "given")
	}
	return q
}

// Active counts the filters in force beside the search, for the folded
// panel's summary.
func (v filterView) Active() int {
	n := 0
	for _, on := range []bool{v.Outcome != "", v.Status != "", v.Consented, v.From != "", v.To != ""} {
		if on {
			n++
		}
	}
	return n
}

// chips are the filters in force, each a link to the list without it.
func (h *Handler) chips(v filterView) []chipView {
	var out []chipView
	add := func(label string, drop func(*filterView)) {
		w := v
		drop(&w)
		u := "/admin"
		if q := w.query().Encode(); q != "" {
			u += "?" + q
		}
		out = append(out, chipView{Label: label, RemoveURL: u})
	}
	if v.Search != "" {
		add("“"+v.Search+"”", func(w *filterView) { w.Search = "" })
	}
	if v.Outcome != "" {
		add(h.area.OutcomeName(v.Outcome), func(w *filterView) { w.Outcome = "" })
	}
	if v.Status != "" {
		add(statusName(assessment.Status(v.Status)), func(w *filterView) { w.Status = "" })
	}
	if v.Consented {
		add("Left their details", func(w *filterView) { w.Consented = false })
	}
	if v.From != "" {
		add("From "+v.From, func(w *filterView) { w.From = "" })
	}
	if v.To != "" {
		add("To "+v.To, func(w *filterView) { w.To = "" })
	}
	return out
}

func (h *Handler) List(w http.ResponseWriter, r *http.Request) error {
	f, fv := h.filterFromQuery(r.URL.Query())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), 1_000_000) // a junk page number must not overflow the offset
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	f.GroupByEmail = true
	rows, total, err := h.store.ListAssessments(r.Context(), f)
	if err != nil {
		return err
	}
	v := listView{
		Chrome:    h.area.Chrome(r, "list"),
		Filter:    fv,
		Chips:     h.chips(fv),
		Outcomes:  h.area.OutcomeChoices(),
		Statuses:  assessment.Statuses,
		Total:     total,
		ExportURL: "/admin/export.csv",
		Orders:    h.orderLinks(fv),
		Back:      r.URL.RequestURI(),
	}
	if q := fv.query().Encode(); q != "" {
		v.ExportURL += "?" + q
	}
	for _, row := range rows {
		v.Rows = append(v.Rows, h.listRow(row))
	}
	if page > 1 {
		v.PrevURL = pageURL(fv, page-1)
	}
	if page*pageSize < total {
		v.NextURL = pageURL(fv, page+1)
	}
	v.Count = founders(total)
	if v.PrevURL != "" || v.NextURL != "" {
		v.Showing = fmt.Sprintf("%d–%d", min(f.Offset+1, total), min(f.Offset+len(rows), total))
	}
	h.area.Pages.Render(w, r, http.StatusOK, listPage(v))
	return nil
}

func pageURL(fv filterView, page int) string {
	q := fv.query()
	q.Set("page", strconv.Itoa(page))
	return "/admin?" + q.Encode()
}

// founders is a count of the list's rows, as the list and the dashboard
// both say it: a row is a founder, their retakes in it.
func founders(n int) string {
	if n == 1 {
		return "1 founder"
	}
	return strconv.Itoa(n) + " founders"
}

func (h *Handler) listRow(a assessment.Summary) listRowView {
	q := h.area.Forms.Current()
	row := listRowView{
		ID:        strconv.FormatInt(a.ID, 10),
		URL:       "/admin/a/" + strconv.FormatInt(a.ID, 10),
		Ago:       h.area.Ago(a.CreatedAt),
		Exact:     h.area.ShortTime(a.CreatedAt),
		DateTime:  a.CreatedAt.UTC().Format(time.RFC3339),
		Outcome:   a.Outcome,
		OutcomeNm: h.area.OutcomeName(a.Outcome),
		Status:    string(a.Status),
		WhyAll:    decidingSignal(a.Result),
		Words:     firstLine(ownWords(q, a.Answers), 140),
		New:       a.Status == assessment.StatusNew,
		Automated: a.PossiblyAutomated,
		Booked:    a.Booked,
		Messages:  a.Messages,
	}
	if top := decidingLabels(a.Result, 1); len(top) > 0 {
		row.Deciding, _, _ = strings.Cut(top[0], " (") // the label, without its level
	}
	if a.Contact.Consent {
		row.Name, row.Company = cmp.Or(a.Contact.Name, a.Contact.Email), a.Contact.Company
		if row.Name == "" {
			row.Name, row.Company = cmp.Or(row.Company, "No name given"), ""
		}
		row.Named = true
	}
	for _, t := range a.Earlier {
		row.Earlier = append(row.Earlier, takeView{URL: "/admin/a/" + strconv.FormatInt(t.ID, 10), Date: h.area.ShortTime(t.CreatedAt), OutcomeNm: h.area.OutcomeName(t.Outcome), Outcome: t.Outcome})
	}
	return row
}

var orderNames = map[assessment.Order]string{
	assessment.OrderCallFirst: "Call first",
	assessment.OrderNewest:    "Newest",
	assessment.OrderOldest:    "Oldest",
	assessment.OrderOutcome:   "By outcome",
}

// orderLinks are the list's sort choices, each keeping the filters.
func (h *Handler) orderLinks(fv filterView) []orderLink {
	out := make([]orderLink, 0, len(assessment.Orders))
	current := assessment.Order(fv.Order)
	if !current.Valid() {
		current = assessment.OrderCallFirst
	}
	for _, o := range assessment.Orders {
		q := fv.query()
		q.Del("order")
		if o != assessment.OrderCallFirst {
			q.Set("order", string(o))
		}
		u := "/admin"
		if enc := q.Encode(); enc != "" {
			u += "?" + enc
		}
		out = append(out, orderLink{Label: orderNames[o], URL: u, Current: o == current})
	}
	return out
}

// decidingSignal names what decided the outcome: the criteria the matching
// rule relied on (strongest first), so a hire-a-PM row names the execution
// gap rather than the fit signals it also had.
func decidingSignal(res assessment.Result) string {
	return strings.Join(decidingLabels(res, 2), "; ")
}

// ownWords is the founder's free-text answer: the first text question of
// the questionnaire they answered, or "".
func ownWords(q *assessment.Questionnaire, answers assessment.Answers) string {
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			if qn.Type == assessment.Text {
				if v := strings.TrimSpace(answers.First(qn.ID)); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// firstLine is the first line of s, cut at a word to at most n characters.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
