package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
)

const (
	pageSize     = 25
	maxNoteChars = 4000
	dateLayout   = "2006-01-02"
)

// doneMessages are the confirmations shown after a change; the query only
// names one, so nobody can put their own words on an admin page.
var doneMessages = map[string]string{
	"welcome":               "Your account is ready. Every stored assessment appears here, newest first.",
	"status":                "Follow-up status saved.",
	"note":                  "Note added.",
	"deleted":               "The assessment and its notes were deleted.",
	"signed-out":            "You are signed out.",
	"signed-out-everywhere": "You are signed out on every device.",
}

func doneMessage(r *http.Request) string {
	return doneMessages[r.URL.Query().Get("done")]
}

// filterFromQuery reads the list filters. Unknown values are dropped with a
// note rather than failing the page.
func (h *Handler) filterFromQuery(q url.Values) (assessment.Filter, filterView) {
	f := assessment.Filter{}
	v := filterView{Outcome: q.Get("outcome"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Search: strings.TrimSpace(q.Get("q"))}
	if _, ok := h.forms.Current().Outcome(v.Outcome); ok {
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
	if t, err := time.Parse(dateLayout, v.From); err == nil {
		f.From = t
	} else if v.From != "" {
		v.Problems = append(v.Problems, "The “from” date wasn't a date (use YYYY-MM-DD) and was ignored.")
		v.From = ""
	}
	if t, err := time.Parse(dateLayout, v.To); err == nil {
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
	for k, val := range map[string]string{"outcome": v.Outcome, "status": v.Status, "from": v.From, "to": v.To, "q": v.Search} {
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
	rows, total, err := h.store.ListAssessments(r.Context(), f)
	if err != nil {
		return err
	}
	v := listView{
		chrome:    h.chromeFor(r, "list"),
		Filter:    fv,
		Outcomes:  h.outcomeChoices(),
		Statuses:  assessment.Statuses,
		Total:     total,
		ExportURL: "/admin/export.csv",
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
	h.pages.Render(w, r, http.StatusOK, listPage(v))
	return nil
}

func pageURL(fv filterView, page int) string {
	q := fv.query()
	q.Set("page", strconv.Itoa(page))
	return "/admin?" + q.Encode()
}

func (h *Handler) chromeFor(r *http.Request, section string) chrome {
	email := ""
	if o := CurrentOwner(r.Context()); o != nil {
		email = o.Email
	}
	return chrome{Section: section, OwnerEmail: email, Done: doneMessage(r)}
}

func (h *Handler) outcomeChoices() []choice {
	out := make([]choice, 0, len(assessment.OutcomeIDs))
	for _, id := range assessment.OutcomeIDs {
		out = append(out, choice{Value: id, Label: h.outcomeName(id)})
	}
	return out
}

// outcomeName is the owner's short name for an outcome, from the content.
func (h *Handler) outcomeName(id string) string {
	return h.forms.Current().OutcomeLabel(id)
}

func (h *Handler) listRow(a assessment.Summary) listRowView {
	row := listRowView{
		URL:       "/admin/a/" + strconv.FormatInt(a.ID, 10),
		Date:      a.CreatedAt.Format("2 Jan 2006"),
		Outcome:   a.Outcome,
		OutcomeNm: h.outcomeName(a.Outcome),
		Status:    string(a.Status),
		Strongest: strongest(a.Criteria, 2),
	}
	if a.Contact.Consent {
		row.Contact = strings.TrimSpace(strings.Join(nonEmpty(a.Contact.Name, a.Contact.Company), ", "))
		row.Email = a.Contact.Email
	}
	return row
}

// strongest names the fit criteria with the highest levels, the first thing
// the owner wants to know before a call.
func strongest(criteria []assessment.CriterionResult, n int) string {
	fit := make([]assessment.CriterionResult, 0, len(criteria))
	for _, c := range criteria {
		if c.Kind == assessment.FitSignal && c.LevelRank > 0 {
			fit = append(fit, c)
		}
	}
	sort.SliceStable(fit, func(i, j int) bool {
		if fit[i].LevelRank != fit[j].LevelRank {
			return fit[i].LevelRank > fit[j].LevelRank
		}
		return fit[i].Score > fit[j].Score
	})
	var names []string
	for i := 0; i < len(fit) && i < n; i++ {
		names = append(names, fit[i].Label+" ("+strings.ToLower(fit[i].LevelLabel)+")")
	}
	if len(names) == 0 {
		return "No fit signals"
	}
	return strings.Join(names, "; ")
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
