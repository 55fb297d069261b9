package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestBadInputGetsAClearAnswer posts what a confused browser or a tamperer
// might, and checks each gets a clear page with the right status and that
// what was already answered survives.
func TestBadInputGetsAClearAnswer(t *testing.T) {
	s := mustStart(t)
	q := s.q
	answers := exampleAnswers(t, q, assessment.BookACall)
	step1 := q.Steps[0]
	single := step1.Questions[0]
	var multi, text assessment.Question
	for _, st := range q.Steps {
		for _, qn := range st.Questions {
			switch qn.Type {
			case assessment.Multi:
				if multi.ID == "" {
					multi = qn
				}
			case assessment.Text:
				text = qn
			}
		}
	}
	textStep := 0
	for i, st := range q.Steps {
		for _, qn := range st.Questions {
			if qn.ID == text.ID {
				textStep = i
			}
		}
	}

	tests := []struct {
		name       string
		setup      func(v *visitor) // brings the visitor to the right place
		method     string
		path       string
		form       url.Values
		wantStatus int
		wantText   string // shown to the visitor
	}{
		{
			name:       "unknown option",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/1",
			form:       url.Values{single.ID: {"not-an-option"}, "_nav": {"next"}},
			wantStatus: http.StatusUnprocessableEntity,
			wantText:   "isn't one of the choices",
		},
		{
			name:       "two values for a single-choice question",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/1",
			form:       url.Values{single.ID: {single.Options[0].ID, single.Options[1].ID}, "_nav": {"next"}},
			wantStatus: http.StatusUnprocessableEntity,
			wantText:   "only one",
		},
		{
			name:       "step posted out of order",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/4",
			form:       url.Values{"_nav": {"next"}},
			wantStatus: http.StatusConflict,
			wantText:   "in order",
		},
		{
			name:       "contact step posted before the questions",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/6",
			form:       url.Values{"_nav": {"next"}},
			wantStatus: http.StatusConflict,
			wantText:   "in order",
		},
		{
			name:       "step posted with no session",
			setup:      func(*visitor) {},
			method:     http.MethodPost,
			path:       "/step/1",
			form:       url.Values{single.ID: {single.Options[0].ID}},
			wantStatus: http.StatusBadRequest,
			wantText:   "couldn't find your answers",
		},
		{
			name:       "step number that is not a number",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodGet,
			path:       "/step/two",
			wantStatus: http.StatusNotFound,
			wantText:   "couldn't find that page",
		},
		{
			name:       "step number past the end",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/99",
			form:       url.Values{},
			wantStatus: http.StatusNotFound,
			wantText:   "couldn't find that page",
		},
		{
			name:       "oversized form",
			setup:      func(v *visitor) { v.start() },
			method:     http.MethodPost,
			path:       "/step/1",
			form:       url.Values{single.ID: {strings.Repeat("x", 100<<10)}},
			wantStatus: http.StatusRequestEntityTooLarge,
			wantText:   "more than we can take",
		},
		{
			name: "text answer over the limit",
			setup: func(v *visitor) {
				p := v.start()
				for i := 0; i < textStep; i++ {
					p = v.get(v.fill(p, answers, "next").location)
				}
			},
			method:     http.MethodPost,
			path:       "/step/" + itoa(textStep+1),
			form:       withAll(answersOfStep(q, textStep, answers), text.ID, strings.Repeat("é", text.TextLimit()+1)),
			wantStatus: http.StatusUnprocessableEntity,
			wantText:   "characters or fewer",
		},
		{
			name: "exclusive option combined with others",
			setup: func(v *visitor) {
				p := v.start()
				for i := 0; i < stepOf(q, multi.ID); i++ {
					p = v.get(v.fill(p, answers, "next").location)
				}
			},
			method:     http.MethodPost,
			path:       "/step/" + itoa(stepOf(q, multi.ID)+1),
			form:       withAll(answersOfStep(q, stepOf(q, multi.ID), answers), multi.ID, multi.Options[0].ID, exclusiveOption(multi)),
			wantStatus: http.StatusUnprocessableEntity,
			wantText:   "can't be combined",
		},
		{
			name:       "wrong method",
			setup:      func(*visitor) {},
			method:     http.MethodDelete,
			path:       "/step/1",
			wantStatus: http.StatusMethodNotAllowed,
			wantText:   "can't be used that way",
		},
		{
			name:       "unknown result token",
			setup:      func(*visitor) {},
			method:     http.MethodGet,
			path:       "/r/AAAAAAAAAAAAAAAAAAAAAAAA",
			wantStatus: http.StatusNotFound,
			wantText:   "couldn't find that page",
		},
		{
			name:       "malformed result token",
			setup:      func(*visitor) {},
			method:     http.MethodGet,
			path:       "/r/'%20OR%201=1",
			wantStatus: http.StatusNotFound,
			wantText:   "couldn't find that page",
		},
		{
			name:       "unknown result token as JSON",
			setup:      func(*visitor) {},
			method:     http.MethodGet,
			path:       "/r/AAAAAAAAAAAAAAAAAAAAAAAA.json",
			wantStatus: http.StatusNotFound,
			wantText:   "couldn't find that page",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := s.newVisitor()
			tt.setup(v)
			req, err := http.NewRequest(tt.method, s.srv.URL+tt.path, strings.NewReader(tt.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			p := v.do(req)
			if p.status != tt.wantStatus {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, p.status, tt.wantStatus)
			}
			if p.doc == nil || !strings.Contains(textOf(p.doc), tt.wantText) {
				t.Errorf("%s %s page does not say %q:\n%s", tt.method, tt.path, tt.wantText, p.body)
			}
		})
	}
}

func TestRejectedAnswerKeepsTheSavedOne(t *testing.T) {
	s := mustStart(t)
	single := s.q.Steps[0].Questions[0]
	v := s.newVisitor()
	v.fill(v.start(), assessment.Answers{single.ID: {single.Options[2].ID}}, "next")
	p := v.post("/step/1", url.Values{single.ID: {"tampered"}, "_nav": {"next"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("tampered value = %d, want 422", p.status)
	}
	if got := checked(v.get("/step/1").doc, single.ID); len(got) != 1 || got[0] != single.Options[2].ID {
		t.Errorf("after a tampered post, %s = %v, want the earlier answer %s kept", single.ID, got, single.Options[2].ID)
	}
}

func TestGetAheadRedirectsToFirstUnansweredStep(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.start()
	if p := v.get("/step/5"); p.status != http.StatusSeeOther || p.location != "/step/1" {
		t.Errorf("GET /step/5 with nothing answered = %d %q, want 303 to /step/1", p.status, p.location)
	}
	// Without a session at all, steps lead back to the landing page.
	if p := s.newVisitor().get("/step/2"); p.status != http.StatusSeeOther || p.location != "/" {
		t.Errorf("GET /step/2 with no session = %d %q, want 303 to /", p.status, p.location)
	}
}

func TestTamperedCookieStartsAfresh(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.start()
	u, _ := url.Parse(s.srv.URL)
	cookies := v.client.Jar.Cookies(u)
	if len(cookies) != 1 {
		t.Fatalf("cookies = %d, want 1", len(cookies))
	}
	c := cookies[0]
	c.Value = c.Value[:len(c.Value)-4] + "AAAA"
	v.client.Jar.SetCookies(u, []*http.Cookie{c})
	if p := v.get("/step/1"); p.status != http.StatusSeeOther || p.location != "/" {
		t.Errorf("GET /step/1 with a tampered cookie = %d %q, want 303 to the landing page", p.status, p.location)
	}
	if p := v.get("/"); p.status != http.StatusOK || byTestID(p.doc, "start") == nil {
		t.Errorf("landing with a tampered cookie = %d, want 200 with a Start button", p.status)
	}
}

func TestCookiesBlockedIsExplained(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.client.Jar = nil // a browser that refuses cookies
	p := v.post("/start", url.Values{})
	next := v.get(p.location)
	if next.status != http.StatusBadRequest || !strings.Contains(textOf(next.doc), "cookie") {
		t.Errorf("step 1 after Start without cookies = %d, want 400 explaining cookies", next.status)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func answersOfStep(q *assessment.Questionnaire, step int, a assessment.Answers) url.Values {
	out := url.Values{"_nav": {"next"}}
	for _, qn := range q.Steps[step].Questions {
		if v, ok := a[qn.ID]; ok {
			out[qn.ID] = v
		}
	}
	return out
}

func withAll(v url.Values, key string, vals ...string) url.Values {
	v[key] = vals
	return v
}

func stepOf(q *assessment.Questionnaire, questionID string) int {
	_, step, _ := q.Question(questionID)
	return step
}

func exclusiveOption(qn assessment.Question) string {
	for _, o := range qn.Options {
		if o.Exclusive {
			return o.ID
		}
	}
	return ""
}
