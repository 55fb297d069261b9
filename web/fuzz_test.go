package web_test

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web"
)

// FuzzStepForm posts arbitrary bodies as forms to the step pages, in and out
// of range, through one visitor's real session. Whatever arrives, the visitor
// gets a whole page or a redirect on this site: never a server error or a
// stack trace.
//
// The draft carries over from one input to the next, as it would for a
// person, so the fuzzer can reach later steps and the submit. When an input
// submits, the visitor starts a fresh draft.
func FuzzStepForm(f *testing.F) {
	// The per-client post limit is for people; the fuzzer posts thousands.
	s := mustStart(f, func(c *web.Config) { c.PublicPostsPerMinute = math.MaxInt32 })
	v := s.newVisitor()
	v.start()
	steps := len(s.q.Steps)

	// The seeds walk one journey in order, each step's broken forms after
	// its valid one, so they meet the step's own checks rather than the
	// out-of-order page, and the last submits.
	valid := make([]string, steps+1) // valid[n] is a complete form for step n
	answers := s.q.Examples[0].Answers
	for i, st := range s.q.Steps {
		form := url.Values{"_nav": {"next"}}
		for _, qn := range st.Questions {
			form[qn.ID] = answers[qn.ID]
		}
		valid[i+1] = form.Encode()
	}
	text, note := textQuestion(f, s)
	type seed struct {
		step int
		body string
	}
	seeds := []seed{
		{1, valid[1]},
		{1, "stage=not-an-option&decisions=nor-this&_nav=next"},
		{1, "stage=%zz&_nav=next"},
		{1, "%=&&=%"},
		{1, ""},
		{0, valid[1]},
		{2, valid[2]},
		{2, "symptoms=busy-uneven&symptoms=none-such&alignment=99&tried=roadmap&_nav=next"},
		{2, strings.Repeat("symptoms=busy-uneven&", 1000)},
	}
	for n := 3; n <= steps; n++ {
		seeds = append(seeds, seed{n, valid[n]})
		if n != text {
			continue
		}
		seeds = append(seeds, []seed{
			{text, url.Values{note: {strings.Repeat("a long answer ", 800)}, "_nav": {"next"}}.Encode()},
			{text, note + "=" + strings.Repeat("x", 70<<10)},
			{text, note + "=\xff\xfe\xc3\x28&mandate=\xed\xa0\x80&_nav=next"},
			{text, note + "=%ff%fe&_nav=back"},
			{text, valid[text]},
		}...)
	}
	seeds = append(seeds, []seed{
		{steps + 1, "name=Ada&email=not-an-email&consent=yes"},
		{steps + 1, "website=https://spam.example"},
		{steps + 1, "_nav=back"},
		{steps + 1, ""},
		{steps + 2, valid[1]},
	}...)
	for _, sd := range seeds {
		f.Add(uint8(sd.step), []byte(sd.body))
	}

	f.Fuzz(func(t *testing.T, n uint8, body []byte) {
		// 1..steps+1 are the question steps and the contact step; 0 and
		// steps+2 are out of range.
		step := int(n) % (steps + 3)
		iv := *v
		iv.t = t // report through this input's test, not the setup's
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/step/"+strconv.Itoa(step), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := iv.client.Do(req)
		if err != nil {
			t.Fatalf("POST /step/%d: %v", step, err)
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("POST /step/%d: read body: %v", step, err)
		}
		got := string(page)

		if resp.StatusCode >= 500 {
			t.Errorf("POST /step/%d = %d, want no server error; body:\n%s", step, resp.StatusCode, got)
		}
		for _, trace := range []string{"goroutine ", "panic:"} {
			// A re-shown form repeats what was sent; only a trace we didn't send counts.
			if strings.Contains(got, trace) && !sent(body, trace) {
				t.Errorf("POST /step/%d = %d, body contains %q:\n%s", step, resp.StatusCode, trace, got)
			}
		}
		ct := resp.Header.Get("Content-Type")
		if ct == "" && len(page) > 0 {
			t.Errorf("POST /step/%d = %d with a %d-byte body and no Content-Type", step, resp.StatusCode, len(page))
		}
		switch code := resp.StatusCode; {
		case code == http.StatusSeeOther:
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Errorf("POST /step/%d = 303 to %q, want a path on this site", step, loc)
			}
			if strings.HasPrefix(loc, "/r/") {
				// Submitted: begin a new draft, so later inputs reach the steps.
				if p := iv.post("/start", url.Values{"fresh": {"1"}}); p.status != http.StatusSeeOther {
					t.Fatalf("POST /start = %d, want 303", p.status)
				}
			}
		case code >= 300 && code < 400:
			t.Errorf("POST /step/%d = %d, want 303 for a redirect", step, code)
		case strings.HasPrefix(ct, "text/html") && !strings.Contains(got, "</html>"):
			t.Errorf("POST /step/%d = %d, want a whole page; body:\n%s", step, code, got)
		}
	})
}

// textQuestion finds the first text question: its 1-based step and its id.
func textQuestion(t testing.TB, s *site) (int, string) {
	t.Helper()
	for i, st := range s.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				return i + 1, qn.ID
			}
		}
	}
	t.Fatal("the content has no text question")
	return 0, ""
}

// sent reports whether s appears in the body as sent or in any of its
// decoded keys and values.
func sent(body []byte, s string) bool {
	if bytes.Contains(body, []byte(s)) {
		return true
	}
	form, _ := url.ParseQuery(string(body)) // keeps every pair it could decode
	for k, vals := range form {
		if strings.Contains(k, s) {
			return true
		}
		for _, v := range vals {
			if strings.Contains(v, s) {
				return true
			}
		}
	}
	return false
}
