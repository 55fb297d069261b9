package web_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
	"sessionplayer.studio/fitcheck/web/httpx"
)

// The stack benchmarks run what the load bench (cmd/fitcheck-bench) loads,
// in process: the whole handler, every middleware, a real SQLite file, and
// the request log written to a file through the buffer the binary uses, so the cost of
// each layer and of the log line is in the figure. allocs/op and B/op do not
// depend on what else the machine is doing; ns/op does, so compare ns/op
// only within one run.
//
//	go test -run '^$' -bench Stack -benchmem -count 6 ./web/
//	go test -run '^$' -bench StackSubmit -benchtime 1000x -benchmem ./web/

// benchVisitorAddr is where the in-process requests come from: one client.
const benchVisitorAddr = "192.0.2.7:40000"

// stack is a server as cmd/fitcheck builds it, without a listener.
type stack struct {
	h http.Handler
	q *assessment.Questionnaire
}

// startStack starts a server over a fresh SQLite file whose request log
// goes to a file, as the binary's does; the limits that would turn one
// client's thousands of drafts away are lifted, as the load bench lifts
// them.
func startStack(b *testing.B, cfg web.Config) *stack {
	b.Helper()
	dir := b.TempDir()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		b.Fatal(err)
	}
	store, err := data.Open(context.Background(), filepath.Join(dir, "fitcheck.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	logFile, err := os.Create(filepath.Join(dir, "requests.log"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { logFile.Close() })
	logs := httpx.NewLogBuffer(logFile, 100*time.Millisecond) // as cmd/fitcheck buffers it
	b.Cleanup(func() { logs.Close() })
	cfg.SessionHashKey, cfg.SessionBlockKey = testHashKey, testBlockKey
	cfg.PublicPostsPerMinute, cfg.MaxOpenDrafts = 100_000_000, 100_000_000
	s, err := web.NewServer(cfg, store, q, slog.New(logs.Handler(slog.NewTextHandler(logs, nil))))
	if err != nil {
		b.Fatal(err)
	}
	return &stack{h: s.Handler(), q: q}
}

// serve sends one request through the whole stack, as a browser would
// (gzip accepted), and returns the recorded response.
func (s *stack) serve(method, path, cookie string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = benchVisitorAddr
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return rec
}

// expect is serve, failing the benchmark on any other status.
func (s *stack) expect(b *testing.B, method, path, cookie string, form url.Values, status int) *httptest.ResponseRecorder {
	b.Helper()
	rec := s.serve(method, path, cookie, form)
	if rec.Code != status {
		b.Fatalf("%s %s = %d, want %d", method, path, rec.Code, status)
	}
	return rec
}

// sessionOf is the session cookie rec sets, or cookie when it sets none.
func sessionOf(rec *httptest.ResponseRecorder, cookie string) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "fitcheck" && c.Value != "" {
			return c.Name + "=" + c.Value
		}
	}
	return cookie
}

// stepForm is what a browser posts for question step n (1-based) with the
// answers of the example expecting expect.
func (s *stack) stepForm(answers assessment.Answers, n int) url.Values {
	form := url.Values{"_nav": {"next"}}
	for _, qn := range s.q.Steps[n-1].Questions {
		for _, v := range answers[qn.ID] {
			form.Add(qn.ID, v)
		}
	}
	return form
}

// draft presses Start and answers question steps 1..answered, returning
// the session cookie.
func (s *stack) draft(b *testing.B, answered int) string {
	b.Helper()
	answers := exampleAnswers(b, s.q, "book-a-call")
	cookie := sessionOf(s.expect(b, http.MethodPost, "/start", "", url.Values{}, http.StatusSeeOther), "")
	for n := 1; n <= answered; n++ {
		rec := s.expect(b, http.MethodPost, "/step/"+strconv.Itoa(n), cookie, s.stepForm(answers, n), http.StatusSeeOther)
		cookie = sessionOf(rec, cookie)
	}
	return cookie
}

// contactForm is the about-you step sent without details, as most do.
func contactForm() url.Values {
	return url.Values{"name": {""}, "email": {""}, "company": {""}, "role": {""}, "website": {""}, "_nav": {"next"}}
}

// BenchmarkStack is the read routes of the load bench: the landing page
// without a session, the shared result page, and step 2 with a session
// (the draft read, the page kept for its answers).
func BenchmarkStack(b *testing.B) {
	s := startStack(b, web.Config{})
	contact := "/step/" + strconv.Itoa(len(s.q.Steps)+1)
	done := s.expect(b, http.MethodPost, contact, s.draft(b, len(s.q.Steps)), contactForm(), http.StatusSeeOther)
	result := done.Header().Get("Location")
	step2 := s.draft(b, 1)
	s.expect(b, http.MethodGet, "/step/2", step2, nil, http.StatusOK) // the first view records progress
	for _, route := range []struct{ name, path, cookie string }{
		{"landing", "/", ""},
		{"result", result, ""},
		{"step2", "/step/2", step2},
	} {
		b.Run(route.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu, _ := processCPU()
			for b.Loop() {
				s.expect(b, http.MethodGet, route.path, route.cookie, nil, http.StatusOK)
			}
			if end, ok := processCPU(); ok {
				b.ReportMetric(float64((end-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkStackSubmit is the full submit as the load bench sends it: the
// about-you step posted without details on a complete draft (rules,
// decisive reasons, near-miss, the insert, the outbox rows, the group
// commit's fsync), through every middleware, by 100 clients at once so the
// writer batches their commits as it does under the bench. The drafts are
// made first, outside the timer; run it with a fixed count (-benchtime
// 1000x). cpu-µs/op is the process's CPU time (user and system, every
// goroutine, the collector's included) per submit: what the bench's "server
// CPU per request" counts.
func BenchmarkStackSubmit(b *testing.B) {
	s := startStack(b, web.Config{})
	contact := "/step/" + strconv.Itoa(len(s.q.Steps)+1)
	drafts := make([]string, b.N)
	for i := range drafts {
		drafts[i] = s.draft(b, len(s.q.Steps))
	}
	form := contactForm()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(max(1, 100/runtime.GOMAXPROCS(0)))
	stopProfile := profileSubmits(b)
	cpu, _ := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := s.serve(http.MethodPost, contact, drafts[next.Add(1)-1], form)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/r/") {
				b.Errorf("submit = %d to %q, want 303 to a result", rec.Code, rec.Header().Get("Location"))
			}
		}
	})
	b.StopTimer()
	stopProfile()
	if end, ok := processCPU(); ok {
		b.ReportMetric(float64((end-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// submitProfile names a file for a CPU profile of the submits alone, the
// drafts' making left out: go test -run '^$' -bench StackSubmit -benchtime
// 2000x -cpu 1 ./web/ -args -submit-profile /tmp/submit.pprof
var submitProfile = flag.String("submit-profile", "", "write a CPU profile of BenchmarkStackSubmit's timed part to this file")

func profileSubmits(b *testing.B) (stop func()) {
	if *submitProfile == "" {
		return func() {}
	}
	f, err := os.Create(*submitProfile)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
