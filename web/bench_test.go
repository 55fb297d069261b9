package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
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

func BenchmarkRenderStep(b *testing.B) {
	s := mustStart(b)
	v := s.newVisitor()
	p := v.start()
	ans := exampleAnswers(b, s.q, "book-a-call")
	if next := v.fill(p, ans, "next"); next.status != http.StatusSeeOther {
		b.Fatalf("step 1 = %d, want 303", next.status)
	}
	v.get("/step/2") // the first view records progress; later views only read
	benchmarkPage(b, s.server.Handler(), "/step/2", v.cookie())
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
