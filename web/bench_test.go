package web_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// The rendering benchmarks run the whole handler stack (router, middleware,
// session, store, templates, compression) in process, without a network,
// once as a browser asks (gzip) and once without compression.
//
//	go test -run '^$' -bench Render -benchmem ./web/

func BenchmarkRenderLanding(b *testing.B) {
	s := mustStart(b)
	benchmarkPage(b, s.server.Handler(), "/", "")
}

// BenchmarkRenderStep measures a step page two ways: kept (a step whose
// page is shared, as every first view of a step is) and rendered for the
// visitor (a step holding words they typed, which is never kept).
func BenchmarkRenderStep(b *testing.B) {
	s := mustStart(b)
	h := s.server.Handler()
	b.Run("kept", func(b *testing.B) {
		v := s.newVisitor()
		p := v.start()
		ans := exampleAnswers(b, s.q, "book-a-call")
		if next := v.fill(p, ans, "next"); next.status != http.StatusSeeOther {
			b.Fatalf("step 1 = %d, want 303", next.status)
		}
		v.get("/step/2") // the first view records progress; later views only read
		benchmarkPage(b, h, "/step/2", v.cookie())
	})
	b.Run("rendered", func(b *testing.B) {
		path, ans := typedTextStep(b, s)
		v := s.newVisitor()
		v.answerAll(ans)
		benchmarkPage(b, h, path, v.cookie())
	})
}

// typedTextStep returns the path of the first step with a free-text
// question, and example answers with words typed into it.
func typedTextStep(b *testing.B, s *site) (string, assessment.Answers) {
	ans := maps.Clone(exampleAnswers(b, s.q, "book-a-call"))
	for i, st := range s.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				ans[qn.ID] = []string{"Whether to rebuild onboarding before the spring launch"}
				return "/step/" + strconv.Itoa(i+1), ans
			}
		}
	}
	b.Skip("the questionnaire asks no free-text question")
	return "", nil
}

func BenchmarkRenderResult(b *testing.B) {
	s := mustStart(b, withBaseURL("https://fit.example.com"))
	v := s.newVisitor()
	v.answerAll(exampleAnswers(b, s.q, "book-a-call"))
	done := v.submitContact(url.Values{})
	if done.status != http.StatusSeeOther {
		b.Fatalf("submit = %d, want 303", done.status)
	}
	h := s.server.Handler()
	b.Run("page", func(b *testing.B) { benchmarkPage(b, h, done.location, "") })
	b.Run("json", func(b *testing.B) { benchmarkPage(b, h, done.location+".json", "") })
}

func benchmarkPage(b *testing.B, h http.Handler, path, cookie string) {
	for _, enc := range []string{"gzip", "identity"} {
		b.Run(enc, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Accept-Encoding", enc)
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d, want 200", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "body-bytes")
		})
	}
}

// cookie is the visitor's Cookie header for the site.
func (v *visitor) cookie() string {
	u, _ := url.Parse(v.site.srv.URL)
	var parts []string
	for _, c := range v.client.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
