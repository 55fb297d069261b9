package result

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Show serves GET /r/{token} and its JSON twin, /r/{token}.json.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) error {
	token, asJSON := strings.CutSuffix(chi.URLParam(r, "token"), ".json")
	if !assessment.IsShareToken(token) {
		return page.NotFound()
	}
	if !h.drafts.HasSession(r) {
		// Whoever has no session cannot own the result: they get the
		// shared page, rendered once and kept (kept.go).
		noIndex(w)
		return h.serveSharedResult(w, r, token, asJSON)
	}
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	noIndex(w)
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	if asJSON {
		return h.pages.WriteJSON(w, r, http.StatusOK, resultJSON(a, h.benchmarks.viewOf(r.Context(), q, a)))
	}
	v := h.resultView(r, q, a, h.ownsResult(r, a))
	v.Message.Sent = r.URL.Query().Get("sent") == "message"
	if v.EmailLink.On && r.URL.Query().Get("sent") == "link" {
		v.EmailLink.Sent, v.EmailLink.SentTo = true, h.linkSent(w, r)
	}
	h.pages.Render(w, r, http.StatusOK, resultPage(v))
	return nil
}

// resultView is a result's page; own is whether the visitor made it. A
// page for someone else (own false) is the shared view, the same for
// everyone with the link, and may be kept (kept.go): it is written for the
// colleague who reads it, in the third person.
func (h *Handler) resultView(r *http.Request, q *assessment.Questionnaire, a *assessment.Assessment, own bool) resultView {
	path := page.ResultURL(a.Token)
	why, neutral := q.WhyOf(a.Result)
	v := resultView{
		Token:        a.Token,
		Path:         path,
		ShareURL:     httpx.AbsoluteURL(h.cfg.BaseURL, r, path),
		JSONURL:      path + ".json",
		Outcome:      a.Result.Outcome,
		Verdict:      q.BadgeOf(a.Result.Outcome),
		Why:          why,
		Criteria:     page.CriterionViews(q, a.Result),
		Chart:        page.NewChart(q, a.Result),
		Decisive:     decisiveViews(a.Result),
		NearMiss:     nearMissViews(q, a.Result),
		Computed:     a.Result.NearMiss != nil,
		CreatedAt:    a.CreatedAt.Format("2 January 2006"),
		CreatedAtISO: a.CreatedAt.UTC().Format(time.RFC3339),
		Version:      a.QuestionnaireVersion,
		IsOwn:        own,
		Owner:        h.owner(),
		OwnerName:    q.Owner.FirstName(),
		Benchmark:    h.benchmarks.viewOf(r.Context(), q, a),
	}
	o, ok := q.Outcome(a.Result.Outcome)
	if ok {
		v.Headline = o.Headline
		v.NextStep = o.NextStep
		v.NextBody = page.Paragraphs(o.NextStep.Body)
		v.Primary = h.actionView(path, o.NextStep.Action, o.NextStep.ActionLabel, v.OwnerName)
		for _, also := range o.NextStep.Also {
			v.Also = append(v.Also, h.actionView(path, also.Action, also.Label, v.OwnerName))
		}
		v.Reassurance = h.reassurance(v.Primary, o.NextStep)
	}
	// The long reason now sits under "What decided it"; a file written
	// before the short why has it on the first screen, and its outcome's
	// summary below, as it always did.
	v.Decided = a.Result.Reason
	if why == a.Result.Reason && ok {
		v.Decided = page.FirstOr(page.Paragraphs(o.Summary), "")
	}
	if t := a.Result.Tension; t != nil {
		// The founder reads their own words; someone with the link reads
		// the neutral ones, or nothing when the file has none.
		v.Tension = t.Sentence
		if !own {
			v.Tension = t.Neutral
		}
	}
	if !own {
		sharedView(&v, q, neutral)
	}
	v.EmailLink.On = own && h.cfg.EmailResults
	v.WantsMessage = v.Primary.Kind == "message" || slices.ContainsFunc(v.Also, func(a actionView) bool { return a.Kind == "message" })
	if v.WantsMessage && a.Contact.Consent && a.Contact.Email != "" {
		// They gave their email and agreed to be contacted: the form
		// does not ask again.
		v.Message.KnownEmail = a.Contact.Email
	}
	if own && h.inlineBooking() && v.Primary.Kind == "book" {
		if v.Scheduler = h.scheduler(r, a, v.OwnerName); v.Scheduler != nil {
			v.Primary.URL = "#schedule"
		}
	}
	if own && len(v.Also) > 0 {
		v.Second = v.Also[0]
	}
	v.Share = shareLinks(v.ShareURL, v.Headline)
	// The preview is written for whoever the link is shared with.
	v.Preview = page.NewPreview(h.cfg.BaseURL, r, path, path+"/card.png",
		"A fitcheck result: "+v.Headline+", with the criteria behind it as bars",
		"A fitcheck result: "+v.Headline+". "+cmp.Or(neutral, a.Result.Reason))
	return v
}

// sharedView turns v into the page a colleague reads: third person, the
// owner's booking framed for them on the outcomes that offer a call, and
// "Take it yourself" beside it; the founder's long reason (written to
// them) gives way to the criteria that decided it.
func sharedView(v *resultView, q *assessment.Questionnaire, neutral string) {
	v.They = true
	if neutral != "" {
		v.Why, v.Decided = neutral, ""
	}
	take := actionView{Kind: "link", URL: "/", Label: "Take it yourself"}
	takeNote := fmt.Sprintf("%d questions · about %d minutes · contact details optional", q.QuestionCount(), q.Minutes)
	// The outcome's guide, if it has one, is for the colleague too.
	guide, actions := actionView{}, append([]actionView{v.Primary}, v.Also...)
	if i := slices.IndexFunc(actions, func(a actionView) bool { return a.Kind == "guide" }); i >= 0 {
		guide = actions[i]
	}
	v.Also = nil
	if v.Primary.Kind == "book" {
		v.Primary = actionView{Kind: "book", URL: v.Primary.URL, Label: "Talk it through with " + v.OwnerName}
		v.Second = take
	} else {
		v.Primary, v.Reassurance, v.Second = take, takeNote, guide
	}
}

// reassurance is the line under the primary button: the content's, unless
// the button no longer does what it promises (a booking outcome without a
// booking page offers the message form instead).
func (h *Handler) reassurance(primary actionView, ns assessment.NextStep) string {
	if ns.Action.Is(assessment.ActionBook) && primary.Kind == "message" {
		return ""
	}
	return ns.Reassurance
}

// actionView is one thing the result page offers: a link, a form button
// (retake), or the way to the message form.
type actionView struct {
	// Kind is "book" (the booking page, through /book), "guide" (the
	// printable guide or checklist), "link", "retake" (a form posting to
	// URL) or "message" (a link to the form).
	Kind  string
	URL   string
	Label string
}

// actionView is where an outcome's action leads for the result at path.
// The booking page goes through /book, which records the click and
// pre-fills it; without one, the founder can still write.
func (h *Handler) actionView(path string, a assessment.Action, label, owner string) actionView {
	switch {
	case a.Is(assessment.ActionBook) && h.cfg.BookingURL != "":
		return actionView{Kind: "book", URL: path + "/book", Label: label}
	case a.Is(assessment.ActionBook):
		return actionView{Kind: "message", URL: "#message", Label: "Write to " + owner}
	case a.Is(assessment.ActionMessage):
		return actionView{Kind: "message", URL: "#message", Label: label}
	case a.Is(assessment.ActionChecklist):
		return actionView{Kind: "guide", URL: path + "/checklist", Label: label}
	case a.Is(assessment.ActionRetake):
		return actionView{Kind: "retake", URL: path + "/retake", Label: label}
	}
	return actionView{}
}

// decisiveView is one criterion that decided the verdict, in words.
type decisiveView struct {
	Label   string
	Level   string
	Answers []string
}

func decisiveViews(res assessment.Result) []decisiveView {
	var out []decisiveView
	for _, d := range res.Decisive {
		dv := decisiveView{Label: d.Label}
		if c, ok := res.Criterion(d.Criterion); ok {
			dv.Level = c.LevelLabel
		}
		for _, a := range d.Answers {
			dv.Answers = append(dv.Answers, a.Answer)
		}
		out = append(out, dv)
	}
	return out
}

// nearMissView is one answer that, changed, would change the verdict.
type nearMissView struct {
	Prompt  string
	Answer  string
	Removed bool // the change unticks Answer rather than picking it
	Outcome string
}

func nearMissViews(q *assessment.Questionnaire, res assessment.Result) []nearMissView {
	var out []nearMissView
	for _, n := range res.NearMiss {
		nv := nearMissView{Prompt: n.Prompt, Answer: n.Answer, Removed: len(n.To) < len(n.From), Outcome: n.Outcome}
		if o, ok := q.Outcome(n.Outcome); ok {
			nv.Outcome = o.Headline
		}
		out = append(out, nv)
	}
	return out
}

// shareView is the share row's ready-made links.
type shareView struct {
	MailTo   string
	LinkedIn string
	Slack    string // a line to paste into Slack
}

func shareLinks(shareURL, headline string) shareView {
	subject := "Our fitcheck result"
	body := headline + ": " + shareURL
	return shareView{
		MailTo:   "mailto:?subject=" + url.PathEscape(subject) + "&body=" + url.PathEscape(body),
		LinkedIn: "https://www.linkedin.com/sharing/share-offsite/?url=" + url.QueryEscape(shareURL),
		Slack:    "fitcheck says: " + headline + " " + shareURL,
	}
}

// resultView is a result page.
type resultView struct {
	Token        string
	Path         string
	ShareURL     string
	JSONURL      string
	Preview      page.Preview
	Outcome      string // the outcome's id: its look (badge, icon, tint)
	Verdict      string // the badge's words
	Headline     string
	Why          string // the first screen's one sentence of why
	Decided      string // the longer reason, under "What decided it"
	Tension      string // where what they asked for and what they describe disagree; "" for none
	Primary      actionView
	Reassurance  string     // one line under the primary button
	Second       actionView // a second action beside the first, if any
	Also         []actionView
	WantsMessage bool // the message form is one of the page's actions
	Message      messageForm
	EmailLink    linkForm   // "Email me the link", on the founder's own view where SMTP is configured
	Scheduler    *scheduler // the booking page inline, where the provider allows it
	Decisive     []decisiveView
	NearMiss     []nearMissView
	Computed     bool // the near-miss was computed (results stored before it was not)
	Criteria     []page.CriterionView
	Chart        page.ChartView
	NextStep     assessment.NextStep
	NextBody     []string
	Share        shareView
	CreatedAt    string
	CreatedAtISO string
	IsOwn        bool
	They         bool // the shared view: the founder is "they"
	Owner        page.OwnerView
	OwnerName    string
	Version      string
	Benchmark    benchmarkView // where the founder stands; nothing below the minimum
	Frame        bool          // inside the frame on the owner's site (frame.go)
}
