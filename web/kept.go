package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Pages that are the same for many visitors are rendered once and kept as
// finished, gzipped bytes (httpx.Kept): the landing page (it depends only on
// the questionnaire in force), each step as first seen or with the same
// choices, and each stored result's shared view (a stored result never
// changes). Each kind has a key type that holds everything its page may
// depend on, and the page is made from the key alone, so nothing of one
// visitor can reach another visitor's page.

// Kept pages at most: every step unanswered plus the common combinations of
// choices, at about 1.5 KB each; and enough results for every result being
// shared at once on a small site, a few MB at most.
const (
	stepCacheSize   = 512
	resultCacheSize = 256
)

type keptPages struct {
	landing *httpx.Kept[landingKey]
	steps   *httpx.Kept[stepChoices]
	results *httpx.Kept[resultKey]
	cards   *httpx.Kept[string] // by card view key (cards.go)
}

// newKeptPages makes the caches. resultLifetime, when not 0, bounds how long
// a result's kept page is served: when several instances share a database,
// a result deleted through another instance is otherwise still shown here.
func newKeptPages(resultLifetime time.Duration, now func() time.Time) *keptPages {
	results := httpx.NewKept[resultKey](resultCacheSize)
	if resultLifetime > 0 {
		results.WithLifetime(resultLifetime, now)
	}
	return &keptPages{
		landing: httpx.NewKept[landingKey](4),
		steps:   httpx.NewKept[stepChoices](stepCacheSize),
		results: results,
		cards:   httpx.NewKept[string](cardCacheSize),
	}
}

// landingKey is the landing page as seen without a session: one page per
// address the site is reached at (its link preview names that address when
// there is no -base-url).
type landingKey struct{ base string }

// stepChoices is everything a kept step page may depend on: which step
// (0-based; the contact step is len(q.Steps)), and the option ids chosen on
// it, in a fixed order. It has no room for text a visitor typed, a name, a
// token or a link of theirs, so a page made from it is the same page for
// everyone who made the same choices.
type stepChoices struct {
	step   int
	chosen string // "question\x01option\x01option\x00question…", options sorted
}

// choicesOf names the page for step idx with answers, and reports whether
// that page may be kept and whether anything on it is answered. Chosen
// options go into the key in a fixed order: the same choices posted in
// another order make the same page. A step holding typed words is never
// kept: their variety is unbounded and the words are the visitor's.
func choicesOf(idx int, step assessment.Step, answers assessment.Answers) (c stepChoices, keep, answered bool) {
	var b strings.Builder
	for i, qn := range step.Questions {
		chosen := answers[qn.ID]
		if qn.Type == assessment.Text && len(chosen) > 0 && chosen[0] != "" {
			return stepChoices{}, false, true
		}
		if qn.Type == assessment.Text || len(chosen) == 0 {
			continue
		}
		if len(chosen) > 1 {
			chosen = slices.Sorted(slices.Values(chosen))
		}
		answered = true
		// Option ids were checked against the questionnaire when saved,
		// and none contains a control character.
		if i > 0 && b.Len() > 0 {
			b.WriteByte(0)
		}
		b.WriteString(qn.ID)
		for _, v := range chosen {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return stepChoices{step: idx, chosen: b.String()}, true, answered
}

// answers is the form a kept step page is rendered with.
func (c stepChoices) answers() url.Values {
	form := url.Values{}
	if c.chosen == "" {
		return form
	}
	for _, q := range strings.Split(c.chosen, "\x00") {
		parts := strings.Split(q, "\x01")
		form[parts[0]] = parts[1:]
	}
	return form
}

// resultKey names a result's shared view: its share link (which depends on
// the host when there is no -base-url) and whether it is the JSON twin.
type resultKey struct {
	shareURL string
	json     bool
}

// serveKept sends the page kept under key, making and keeping it first if
// needed. pinned pages (every visitor's first view) are never dropped to
// make room.
func serveKept[K comparable](w http.ResponseWriter, r *http.Request, kept *httpx.Kept[K], key K, pinned bool,
	make func() (*httpx.Page, error)) error {
	if p := kept.Get(key); p != nil {
		p.ServeHTTP(w, r)
		return nil
	}
	p, err := make()
	if err != nil {
		return err
	}
	kept.Keep(key, p, pinned, 0, 0)
	p.ServeHTTP(w, r)
	return nil
}

// serveLanding sends the landing page as everyone without a session sees it.
func (s *Server) serveLanding(w http.ResponseWriter, r *http.Request) error {
	key := landingKey{base: httpx.AbsoluteURL(s.cfg.BaseURL, r, "")}
	return serveKept(w, r, s.kept.landing, key, true, func() (*httpx.Page, error) {
		return renderKept(r.Context(), landingPage(s.landingView(r, false)), false)
	})
}

// serveKeptStep sends the step page for c. It is made from c alone.
func (s *Server) serveKeptStep(w http.ResponseWriter, r *http.Request, c stepChoices, answered bool) error {
	return serveKept(w, r, s.kept.steps, c, !answered, func() (*httpx.Page, error) {
		// Fast compression: a miss should cost about what rendering the
		// page for this one request would have.
		return renderKept(r.Context(), stepPage(s.keptStepView(c)), true)
	})
}

// keptStepView is the view of a kept step page: the step with c's choices.
// Contact details are never kept in a draft, so the contact step starts
// empty for everyone.
func (s *Server) keptStepView(c stepChoices) stepView {
	if c.step == len(s.forms.Current().Steps) {
		return s.contactStepView(assessment.Contact{}, nil)
	}
	return s.questionStepView(c.step, c.answers(), nil)
}

// serveSharedResult sends a result's page (or JSON) as everyone but its
// owner sees it. The page belongs to the assessment's group, so deleting
// the assessment forgets it (forgettingStore).
func (s *Server) serveSharedResult(w http.ResponseWriter, r *http.Request, token string, asJSON bool) error {
	key := resultKey{shareURL: httpx.AbsoluteURL(s.cfg.BaseURL, r, page.ResultURL(token)), json: asJSON}
	if p := s.kept.results.Get(key); p != nil {
		p.ServeHTTP(w, r)
		return nil
	}
	gen := s.kept.results.Generation()
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	p, err := s.sharedResultPage(r, a, asJSON)
	if err != nil {
		return err
	}
	s.kept.results.Keep(key, p, false, a.ID, gen)
	p.ServeHTTP(w, r)
	return nil
}

func (s *Server) sharedResultPage(r *http.Request, a *assessment.Assessment, asJSON bool) (*httpx.Page, error) {
	if asJSON {
		body, err := json.MarshalIndent(resultJSON(a), "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode result json: %w", err)
		}
		return httpx.NewPage("application/json; charset=utf-8", append(body, '\n')), nil
	}
	q := s.forms.Find(r.Context(), a.QuestionnaireVersion)
	return renderKept(r.Context(), resultPage(s.resultView(r, q, a, false)), false)
}

func renderKept(ctx context.Context, c templ.Component, fast bool) (*httpx.Page, error) {
	body, err := page.Bytes(ctx, c)
	if err != nil {
		return nil, err
	}
	if fast {
		return httpx.NewPageFast("text/html; charset=utf-8", body), nil
	}
	return httpx.NewPage("text/html; charset=utf-8", body), nil
}

// forgettingStore is the store every delete of an assessment goes through
// (the visitor's, the owner's, the retention sweep's), so the pages kept of
// an assessment go with it.
type forgettingStore struct {
	Store
	kept *keptPages
}

// DeleteAssessment deletes one assessment and forgets its kept pages.
func (f forgettingStore) DeleteAssessment(ctx context.Context, id int64) error {
	if err := f.Store.DeleteAssessment(ctx, id); err != nil {
		return err
	}
	f.kept.results.Forget(id)
	return nil
}

// DeleteAssessmentsBefore applies the retention policy and, when anything
// went, forgets every kept result: the sweep runs hourly, so this costs
// little, and no removed result stays visible.
func (f forgettingStore) DeleteAssessmentsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := f.Store.DeleteAssessmentsBefore(ctx, cutoff)
	if n > 0 {
		f.kept.results.ForgetAll()
	}
	return n, err
}
