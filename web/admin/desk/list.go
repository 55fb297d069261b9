package desk

import (
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

// listView is the list page: the filters, one row per person, and the pager.
type listView struct {
	frame.Chrome
	Filter    filterView
	Outcomes  []frame.Choice
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

// filterFromQuery reads the list filters. Unknown values are dropped with a
// note rather than failing the page.
func (h *Handler) filterFromQuery(q url.Values) (assessment.Filter, filterView) {
	f := assessment.Filter{}
	v := filterView{Outcome: q.Get("outcome"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Search: strings.TrimSpace(q.Get("q")), Order: q.Get("order")}
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
	return q
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
	v.Showing = fmt.Sprintf("%d–%d of %d", min(f.Offset+1, total), min(f.Offset+len(rows), total), total)
	h.area.Pages.Render(w, r, http.StatusOK, listPage(v))
	return nil
}

func pageURL(fv filterView, page int) string {
	q := fv.query()
	q.Set("page", strconv.Itoa(page))
	return "/admin?" + q.Encode()
}

func (h *Handler) listRow(a assessment.Summary) listRowView {
	q := h.area.Forms.Current()
	row := listRowView{
		ID:        strconv.FormatInt(a.ID, 10),
		URL:       "/admin/a/" + strconv.FormatInt(a.ID, 10),
		Date:      h.area.ShortTime(a.CreatedAt),
		DateTime:  a.CreatedAt.UTC().Format(time.RFC3339),
		Outcome:   a.Outcome,
		OutcomeNm: h.area.OutcomeName(a.Outcome),
		Status:    string(a.Status),
		Deciding:  decidingSignal(a.Result),
		Words:     firstLine(ownWords(q, a.Answers), 140),
		Who:       "Anonymous",
		New:       a.Status == assessment.StatusNew,
		Source:    a.Source,
		Automated: a.PossiblyAutomated,
		Booked:    a.Booked,
		Messages:  a.Messages,
	}
	if a.Contact.Consent {
		if who := strings.Join(nonEmpty(a.Contact.Name, a.Contact.Company), ", "); who != "" {
			row.Who = who
		} else if a.Contact.Email != "" {
			row.Who = a.Contact.Email
		}
		row.Email = a.Contact.Email
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
