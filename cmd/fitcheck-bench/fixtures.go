package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// visitorSession is the session cookie, as a Cookie header value.
type visitorSession string

// fixtures makes the state the routes need through the site's own forms, as
// visitors would: drafts part-way through, drafts ready to submit.
type fixtures struct {
	base   string
	q      *assessment.Questionnaire
	client *http.Client
}

func newFixtures(base string) (*fixtures, error) {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		return nil, err
	}
	return &fixtures{base: base, q: q, client: &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// answers is the answer set the bench gives: the content's first example.
func (f *fixtures) answers() assessment.Answers { return f.q.Examples[0].Answers }

// typedWords is what the bench's visitors type into a free-text question
// the example leaves empty, as a visitor who explains themselves would.
const typedWords = "Whether to rebuild onboarding before the spring launch or after it"

// stepForm is what a browser posts for question step n (1-based).
func (f *fixtures) stepForm(n int) url.Values {
	form := url.Values{}
	for _, qn := range f.q.Steps[n-1].Questions {
		for _, v := range f.answers()[qn.ID] {
			form.Add(qn.ID, v)
		}
		if qn.Type == assessment.Text && form.Get(qn.ID) == "" {
			form.Set(qn.ID, typedWords)
		}
	}
	form.Set("_nav", "next")
	return form
}

// textStep is the first question step (1-based) with a free-text
// question, or 0 when there is none.
func (f *fixtures) textStep() int {
	for i, st := range f.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				return i + 1
			}
		}
	}
	return 0
}

// contactForm is the about-you step sent without details, as most do.
func contactForm() url.Values {
	return url.Values{"name": {""}, "email": {""}, "company": {""}, "role": {""}, "website": {""}, "_nav": {"next"}}
}

func (f *fixtures) contactStep() int { return len(f.q.Steps) + 1 }

func (f *fixtures) do(method, path string, sess visitorSession, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.base+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if sess != "" {
		req.Header.Set("Cookie", string(sess))
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func (f *fixtures) expect(method, path string, sess visitorSession, form url.Values, status int) (*http.Response, error) {
	resp, err := f.do(method, path, sess, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != status {
		return nil, fmt.Errorf("%s %s = %d, want %d", method, path, resp.StatusCode, status)
	}
	return resp, nil
}

// start presses Start and returns the new session.
func (f *fixtures) start() (visitorSession, error) {
	resp, err := f.expect(http.MethodPost, "/start", "", url.Values{}, http.StatusSeeOther)
	if err != nil {
		return "", err
	}
	if s, ok := sessionFrom(resp); ok {
		return s, nil
	}
	return "", fmt.Errorf("POST /start set no session cookie")
}

// sessionFrom is the session cookie a response sets, if it sets one: the
// server re-issues it when it stores the draft with its first answers.
func sessionFrom(resp *http.Response) (visitorSession, bool) {
	for _, c := range resp.Cookies() {
		if c.Name == "fitcheck" && c.Value != "" {
			return visitorSession(c.Name + "=" + c.Value), true
		}
	}
	return "", false
}

// draftAt starts a draft and answers question steps 1..answered. With
// viewNext it also opens the following step once, so later views of it
// only read.
func (f *fixtures) draftAt(answered int, viewNext bool) (visitorSession, error) {
	sess, err := f.start()
	if err != nil {
		return "", err
	}
	for n := 1; n <= answered; n++ {
		resp, err := f.expect(http.MethodPost, "/step/"+strconv.Itoa(n), sess, f.stepForm(n), http.StatusSeeOther)
		if err != nil {
			return "", err
		}
		if s, ok := sessionFrom(resp); ok {
			sess = s
		}
	}
	if viewNext {
		if _, err := f.expect(http.MethodGet, "/step/"+strconv.Itoa(answered+1), sess, nil, http.StatusOK); err != nil {
			return "", err
		}
	}
	return sess, nil
}

// drafts makes n drafts with newDraft, a few at a time.
func (f *fixtures) drafts(ctx context.Context, n int, newDraft func() (visitorSession, error)) ([]visitorSession, error) {
	out := make([]visitorSession, n)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     = make(chan int)
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s, err := newDraft()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[i] = s
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed || ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, ctx.Err()
}
