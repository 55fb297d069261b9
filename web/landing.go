package web

import (
	"errors"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
	"sessionplayer.studio/fitcheck/web/visitor"
)

// landingPages keeps the landing page as seen without a session, rendered
// once (it depends only on the questionnaire in force and -base-url, never
// on the Host a request names), and its link-preview card.
type landingPages struct {
	pages *httpx.Kept[landingKey]
	card  *httpx.Kept[string]
}

// landingBytes bounds each of the two: a page is about 3 KB gzipped, and a
// card (the landing page's, the sample result's) about 40 KB.
const landingBytes = 256 << 10

func newLandingPages() landingPages {
	return landingPages{pages: httpx.NewKept[landingKey](4, landingBytes), card: httpx.NewKept[string](2, landingBytes)}
}

// landingKey is the landing page as seen without a session: one page per
// questionnaire version in force, never one per address (its link preview
// names -base-url or no address at all: see landingPreview).
type landingKey struct{ version string }

// landing serves GET /.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	deleted := r.URL.RawQuery != "" && r.URL.Query().Get("done") == "deleted"
	source := visitor.LandingSource(r)
	if !deleted && !s.drafts.HasSession(r) && source.IsZero() {
		// Without a session there is nothing to resume, and without a
		// tagged link nothing to carry: everyone sees the same page,
		// rendered once.
		return s.serveKeptLanding(w, r)
	}
	v := s.landingView(r, s.forms.Current(), deleted)
	v.Source = visitor.SourceInputs(source)
	d, err := s.drafts.Find(r)
	switch {
	case err == nil && d.AssessmentToken != "":
		v.Resume = &resumeView{ResultURL: page.ResultURL(d.AssessmentToken)}
	case err == nil && len(d.Answers) > 0:
		q := s.forms.Find(r.Context(), d.QuestionnaireVersion) // a draft finishes under its own version
		next := q.FirstIncompleteStep(d.Answers) + 1
		v.Resume = &resumeView{StepURL: page.StepURL(next), Step: next, Total: len(q.Steps)}
	case err != nil && !errors.Is(err, assessment.ErrNotFound):
		return err
	}
	s.pages.Render(w, r, http.StatusOK, landingPage(v))
	return nil
}

// serveKeptLanding sends the landing page as everyone without a session
// sees it.
func (s *Server) serveKeptLanding(w http.ResponseWriter, r *http.Request) error {
	q := s.forms.Current()
	// Not pinned: a publish makes a new version's page, and the oldest goes.
	return page.ServeKept(w, r, s.kept.pages, landingKey{version: q.Version}, false, func() (*httpx.Page, error) {
		return page.Kept(r.Context(), landingPage(s.landingView(r, q, false)), false)
	})
}

// landingView is the landing page of q, the questionnaire in force.
func (s *Server) landingView(r *http.Request, q *assessment.Questionnaire, deleted bool) landingView {
	summary := page.Paragraphs(q.Summary)
	v := landingView{
		Title:     q.Title,
		Summary:   summary,
		Minutes:   q.Minutes,
		Questions: q.QuestionCount(),
		Steps:     len(q.Steps),
		Deleted:   deleted,
		Preview:   s.landingPreview(r, q.Title, page.FirstOr(summary, q.Title)),
		Owner:     page.OwnerOf(q.Owner, s.avatar.URL()),
	}
	if sample, ok := sampleResult(q); ok {
		// The address names the questionnaire version, so the image can be
		// cached for good and still follow a changed questionnaire.
		v.Sample = &sampleView{URL: "/sample.png?v=" + q.Version[:12],
			Alt: "A sample fitcheck result: the verdict “" + q.BadgeOf(sample.Outcome) + "”, the headline “" + headlineOf(q, sample.Outcome) +
				"”, and every criterion drawn as a bar against its levels."}
	}
	if len(summary) > 1 {
		v.More = summary[1:]
	}
	return v
}

// landingPreview is what a link to the landing page previews. Its address
// and card are absolute on -base-url; without it they are left out (the
// title and description remain), since the only other address to give
// would be whatever Host a request named: a page everyone is served must
// not carry that.
func (s *Server) landingPreview(r *http.Request, title, description string) page.Preview {
	p := page.NewPreview(s.cfg.BaseURL, r, "/", "/card.png", title, description)
	if s.cfg.BaseURL == "" {
		p.URL, p.Image = "", ""
	}
	return p
}

// landingView is the landing page.
type landingView struct {
	Title     string
	Summary   []string
	Minutes   int
	Questions int
	Steps     int
	Resume    *resumeView
	Deleted   bool
	Preview   page.Preview
	Owner     page.OwnerView
	More      []string              // the summary's paragraphs after the lead
	Source    []visitor.HiddenInput // where the founder came from, carried by Start
	Sample    *sampleView           // a sample result's card, for a made-up founder
}

// sampleView is the landing page's sample result: the card image a result
// link shows, for a made-up founder.
type sampleView struct {
	URL string
	Alt string
}

type resumeView struct {
	StepURL   string
	Step      int
	Total     int
	ResultURL string
}

// landingCard serves GET /card.png, the landing page's link preview.
func (s *Server) landingCard(w http.ResponseWriter, r *http.Request) error {
	q := s.forms.Current()
	v := card.LandingFor(q)
	v.OwnerName, v.OwnerTitle = q.Owner.Name, q.Owner.Title
	return page.ServeCard(w, r, s.kept.card, q.Version, func() ([]byte, error) { return card.RenderLanding(v) })
}

// sampleResult is the result the landing page shows as a sample: the first
// of the content's own examples (made-up founders) that books a call, or
// its first example.
func sampleResult(q *assessment.Questionnaire) (assessment.Result, bool) {
	if len(q.Examples) == 0 {
		return assessment.Result{}, false
	}
	ex := q.Examples[0]
	for _, e := range q.Examples {
		if e.Expect == assessment.BookACall {
			ex = e
			break
		}
	}
	return rules.Evaluate(q, ex.Answers), true
}

func headlineOf(q *assessment.Questionnaire, outcome string) string {
	if o, ok := q.Outcome(outcome); ok {
		return o.Headline
	}
	return ""
}

// sampleCard serves GET /sample.png, the sample result's card.
func (s *Server) sampleCard(w http.ResponseWriter, r *http.Request) error {
	q := s.forms.Current()
	res, ok := sampleResult(q)
	if !ok {
		return page.NotFound()
	}
	v := card.ResultFor(q, res)
	return page.ServeCard(w, r, s.kept.card, "sample "+q.Version, func() ([]byte, error) { return card.RenderResult(v) })
}
