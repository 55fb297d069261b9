package web_test

import (
	"bytes"
	"database/sql"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/brief"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

func withTimeZone(name string) siteOption {
	return func(c *web.Config) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			panic(err)
		}
		c.TimeZone = loc
	}
}

// setCreated moves an assessment's creation time, as if it had been
// submitted then.
func (s *site) setCreated(id int, at time.Time) {
	s.t.Helper()
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE assessments SET created_at = ? WHERE id = ?`, at.UTC().Format("2006-01-02T15:04:05.000000000Z"), id); err != nil {
		s.t.Fatal(err)
	}
}

// rowIDs lists the assessment ids of the list's rows, top to bottom.
func rowIDs(doc *htmlNode) []string {
	var ids []string
	walk(doc, func(n *htmlNode) bool {
		if attr(n, "data-testid") == "row" {
			ids = append(ids, attr(n, "data-id"))
		}
		return true
	})
	return ids
}

func consented(name, email string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "consent": {"yes"}}
}

func TestDeskListCallFirstAndGrouping(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.HireAPM, consented("Ada", "ada@example.com"))            // 1
	s.submitted(assessment.BookACall, url.Values{})                                 // 2 anonymous
	s.submitted(assessment.WorthAConversation, consented("Bob", "bob@example.com")) // 3
	s.submitted(assessment.BookACall, consented("Cat", "cat@example.com"))          // 4, contacted below
	s.submitted(assessment.BookACall, consented("Ada", "ada@example.com"))          // 5, Ada again
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	if p := v.post("/admin/a/4/status", url.Values{"status": {"contacted"}}); p.status != http.StatusSeeOther {
		t.Fatalf("status = %d", p.status)
	}

	tests := []struct {
		query string
		want  []string
	}{
		// Consented and still new first, by outcome; then the rest.
		{"", []string{"5", "3", "4", "2"}},
		{"order=newest", []string{"5", "4", "3", "2"}},
		{"order=oldest", []string{"2", "3", "4", "5"}},
		{"order=outcome", []string{"5", "4", "2", "3"}},
	}
	for _, tt := range tests {
		t.Run("order "+tt.query, func(t *testing.T) {
			p := v.get("/admin?" + tt.query)
			if got := rowIDs(p.doc); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("rows of /admin?%s = %v, want %v", tt.query, got, tt.want)
			}
		})
	}

	list := v.get("/admin")
	// Ada took it twice: one row, the latest, with the earlier under it.
	takes := byTestID(list.doc, "takes")
	if takes == nil || !strings.Contains(textOf(takes), "2 times") || findLink(takes, "/admin/a/1") == nil {
		t.Errorf("Ada's row does not group her earlier take: %q", textOf(takes))
	}
	first := byTestID(list.doc, "row")
	if got := textOf(byTestID(first, "deciding")); strings.Contains(got, "Execution") || got == "" {
		t.Errorf("a book-a-call row's deciding signal = %q, want its fit signals", got)
	}
	if got := textOf(byTestID(first, "words")); got != firstLineOf(exampleAnswers(t, s.q, assessment.BookACall).First("stuck-decision")) {
		t.Errorf("own words in the row = %q, want the first line of their stuck decision", got)
	}
	for _, row := range findAll(list.doc, "row") {
		if attr(row, "data-id") == "2" && !strings.Contains(textOf(row), "Anonymous") {
			t.Errorf("the anonymous row does not say so: %q", textOf(row))
		}
	}
	// Ordered by outcome a hire-a-PM row names the execution gap.
	p := v.get("/admin?outcome=hire-a-pm")
	if got := textOf(byTestID(p.doc, "deciding")); !strings.Contains(got, "Execution gap") {
		t.Errorf("a hire-a-PM row's deciding signal = %q, want the execution gap", got)
	}
}

// items lists a list's items: their text, or the attribute named.
func items(list *htmlNode, attribute string) []string {
	var out []string
	if list == nil {
		return nil
	}
	walk(list, func(n *htmlNode) bool {
		if n.Data == "li" {
			if attribute != "" {
				out = append(out, attr(n, attribute))
			} else {
				out = append(out, textOf(n))
			}
		}
		return true
	})
	return out
}

func firstLineOf(s string) string { l, _, _ := strings.Cut(s, "\n"); return strings.TrimSpace(l) }

func findAll(doc *htmlNode, id string) []*htmlNode {
	var out []*htmlNode
	walk(doc, func(n *htmlNode) bool {
		if attr(n, "data-testid") == id {
			out = append(out, n)
		}
		return true
	})
	return out
}

func findLink(n *htmlNode, href string) *htmlNode {
	var found *htmlNode
	walk(n, func(x *htmlNode) bool {
		if x.Data == "a" && attr(x, "href") == href {
			found = x
		}
		return found == nil
	})
	return found
}

func TestDeskStatusInOneClick(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, consented("Ada", "ada@example.com"))
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	list := v.get("/admin?order=oldest")
	form := findForm(list.doc, "/admin/a/1/status")
	if form == nil {
		t.Fatal("the list row has no status control")
	}
	// The button's own form carries everything: one post, no Save.
	p := v.post("/admin/a/1/status", url.Values{"status": {"booked"}, "back": {"/admin?order=oldest"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin?") || !strings.Contains(p.location, "order=oldest") {
		t.Fatalf("one-click status from the list = %d to %q, want back to the same list", p.status, p.location)
	}
	after := v.get(p.location)
	if got := pressedStatus(after.doc); got != "booked" {
		t.Errorf("status after one click = %q, want booked", got)
	}
	// Only our own pages are a way back.
	for _, back := range []string{"https://evil.example/admin", "//evil.example/admin", "/r/x", "/\\evil.example"} {
		p := v.post("/admin/a/1/status", url.Values{"status": {"new"}, "back": {back}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/a/1?") {
			t.Errorf("back=%q leads to %q, want the assessment", back, p.location)
		}
	}
}

func TestDeskTimeZone(t *testing.T) {
	s := mustStart(t, withTimeZone("Pacific/Auckland"))
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, consented("Ada", "ada@example.com"))
	// 23:30 UTC on 2 March is 12:30 on 3 March in Auckland (NZDT, +13).
	s.setCreated(1, time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC))
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	list := v.get("/admin")
	if got := textOf(byTestID(list.doc, "when")); got != "Tue 3 Mar 2026, 12:30" {
		t.Errorf("list time = %q, want the owner's Tue 3 Mar 2026, 12:30", got)
	}
	if got := textOf(byTestID(v.get("/admin/a/1").doc, "answered")); !strings.Contains(got, "3 March 2026, 12:30 NZDT") {
		t.Errorf("detail time = %q, want 3 March 2026, 12:30 NZDT", got)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"from=2026-03-03&to=2026-03-03", 1}, // the owner's day
		{"from=2026-03-02&to=2026-03-02", 0}, // the UTC day
		{"to=2026-03-02", 0},
		{"from=2026-03-04", 0},
	} {
		if got := countTestIDs(v.get("/admin?"+tt.query).doc, "row"); got != tt.want {
			t.Errorf("rows for %s in Auckland = %d, want %d", tt.query, got, tt.want)
		}
	}
}

func TestDeskBriefAndCalibration(t *testing.T) {
	// Every example answered from one address: lift the per-minute post limit.
	s := mustStart(t, func(c *web.Config) { c.PublicPostsPerMinute = 10_000 })
	s.mustOwner("greg@example.com")
	for _, ex := range s.q.Examples {
		v := s.newVisitor()
		v.answerAll(ex.Answers)
		if p := v.submitContact(url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("submit %q = %d", ex.Name, p.status)
		}
	}
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	for i, ex := range s.q.Examples {
		id := strconv.Itoa(i + 1)
		want := brief.Build(s.q, ex.Answers, rules.Evaluate(s.q, ex.Answers))
		p := v.get("/admin/a/" + id)
		if got := texts(p.doc, "ask"); len(got) != 1 {
			t.Fatalf("%s: %d question lists on the page, want 1", ex.Name, len(got))
		}
		asked := items(byTestID(p.doc, "questions"), "")
		if strings.Join(asked, "|") != strings.Join(want.Questions, "|") {
			t.Errorf("%s: suggested questions = %q, want %q", ex.Name, asked, want.Questions)
		}
		tensions := items(byTestID(p.doc, "tensions"), "data-id")
		var wantTensions []string
		for _, tn := range want.Tensions {
			wantTensions = append(wantTensions, tn.ID)
		}
		if strings.Join(tensions, ",") != strings.Join(wantTensions, ",") {
			t.Errorf("%s: tensions = %v, want %v", ex.Name, tensions, wantTensions)
		}
		// The status and the calibration are beside the brief, before the answers.
		if i := strings.Index(p.body, `data-testid="status-control"`); i < 0 || i > strings.Index(p.body, `id="answers-h"`) {
			t.Errorf("%s: the status control is not above the answers", ex.Name)
		}
		txt := v.get("/admin/a/" + id + "/brief.txt")
		if txt.status != http.StatusOK || !strings.HasPrefix(txt.header.Get("Content-Type"), "text/plain") ||
			!strings.Contains(txt.body, "Questions for the first call") || !strings.Contains(txt.body, "Verdict: "+s.q.OutcomeLabel(ex.Expect)) {
			t.Errorf("%s: brief.txt = %d %q:\n%s", ex.Name, txt.status, txt.header.Get("Content-Type"), txt.body)
		}
	}

	// Calibration: one click each, counted on the dashboard.
	record := func(id string, form url.Values) {
		t.Helper()
		p := v.post("/admin/a/"+id+"/calibration", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("calibrate %s %v = %d", id, form, p.status)
		}
	}
	byOutcome := map[string][]string{}
	for i, ex := range s.q.Examples {
		byOutcome[ex.Expect] = append(byOutcome[ex.Expect], strconv.Itoa(i+1))
	}
	fit, pm := byOutcome[assessment.BookACall], byOutcome[assessment.HireAPM]
	record(fit[0], url.Values{"verdict": {"fit"}})                              // book-a-call, right
	record(fit[1], url.Values{"verdict": {"not-fit"}, "needed": {"hire-a-pm"}}) // book-a-call, wrong
	record(pm[0], url.Values{"verdict": {"not-fit"}, "needed": {"hire-a-pm"}})  // hire-a-pm, right
	record(pm[1], url.Values{"verdict": {"no-call"}})
	if p := v.post("/admin/a/1/calibration", url.Values{"verdict": {"not-fit"}, "needed": {"book-a-call"}}); p.status != http.StatusBadRequest {
		t.Errorf("not-fit needing book-a-call = %d, want 400", p.status)
	}
	if got := textOf(byTestID(v.get("/admin/a/"+fit[1]).doc, "calibration-recorded")); !strings.Contains(got, "Hire a PM") {
		t.Errorf("recorded calibration on the brief = %q, want it to name Hire a PM", got)
	}
	dash := v.get("/admin/dashboard")
	cells := func(outcome string) []string {
		var out []string
		walk(byTestID(dash.doc, "confusion-"+outcome), func(n *htmlNode) bool {
			if n.Data == "td" {
				out = append(out, textOf(n))
			}
			return true
		})
		return out
	}
	// Columns: a fit, needed narrow-scope, hire-a-pm, different-conversation, hire-full-time, no call, right.
	if got := strings.Join(cells(assessment.BookACall), ","); got != "1,0,1,0,0,0,1 of 2" {
		t.Errorf("book-a-call row = %s, want 1,0,1,0,0,0,1 of 2", got)
	}
	if got := strings.Join(cells(assessment.HireAPM), ","); got != "0,0,1,0,0,1,1 of 1" {
		t.Errorf("hire-a-pm row = %s, want 0,0,1,0,0,1,1 of 1 (one right, one without a call)", got)
	}
	if got := textOf(byTestID(dash.doc, "waiting")); !strings.HasPrefix(strings.TrimSpace(got), "0") {
		t.Errorf("waiting = %q, want 0 (nobody consented)", got)
	}
}

func TestRulesLab(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	for _, outcome := range []string{assessment.BookACall, assessment.HireAPM, assessment.HireAPM} {
		s.submitted(outcome, url.Values{})
	}
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	if p := v.get("/admin/lab"); p.status != http.StatusOK || findForm(p.doc, "/admin/lab") == nil {
		t.Fatalf("GET /admin/lab = %d, want the form", p.status)
	}

	t.Run("a bad file lists its problems by line", func(t *testing.T) {
		p := v.post("/admin/lab", url.Values{"content": {"title: x\nsummary: y\nminutes: 3\nsteps: []\n"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("lab with a bad file = %d, want 422", p.status)
		}
		if got := textOf(byTestID(p.doc, "problems")); !strings.Contains(got, "Line 4") || !strings.Contains(got, "steps is missing") {
			t.Errorf("problems = %q, want line 4: steps is missing", got)
		}
	})

	t.Run("a changed rule shows what would move, uploaded as a file", func(t *testing.T) {
		// Fit before execution: the execution-first rule moved below clear-fit,
		// so a strong fit with nobody owning the hand-off books a call.
		changed := moveRule(t, string(assessment.DefaultContent), "execution-first", "mixed-fit")
		p := v.upload("/admin/lab", "file", "candidate.yaml", []byte(changed))
		if p.status != http.StatusOK {
			t.Fatalf("lab = %d:\n%s", p.status, textOf(byTestID(p.doc, "problems")))
		}
		if got := textOf(byTestID(p.doc, "rescore-summary")); !strings.Contains(got, "2 of 3") {
			t.Errorf("re-score summary = %q, want 2 of 3 to change", got)
		}
		moves := textOf(byTestID(p.doc, "moves"))
		if !strings.Contains(moves, "Hire a PM") || !strings.Contains(moves, "Book a call") {
			t.Errorf("moves = %q, want hire-a-PM → book-a-call", moves)
		}
		changedList := byTestID(p.doc, "changed")
		if findLink(changedList, "/admin/a/2") == nil || findLink(changedList, "/admin/a/3") == nil {
			t.Errorf("the changed rows do not link to assessments 2 and 3")
		}
		if got := textOf(byTestID(p.doc, "examples")); !strings.Contains(got, "Fails") {
			t.Errorf("examples = %q, want the hire-a-PM examples failing", got)
		}
		if byTestID(p.doc, "preview") == nil || !strings.Contains(textOf(byTestID(p.doc, "preview")), s.q.Steps[0].Title) {
			t.Errorf("no preview of the steps")
		}
	})

	t.Run("renamed options are reported, not guessed", func(t *testing.T) {
		renamed := strings.ReplaceAll(string(assessment.DefaultContent), "push-harder", "ship-faster")
		p := v.post("/admin/lab", url.Values{"content": {renamed}})
		if p.status != http.StatusOK {
			t.Fatalf("lab with a renamed option = %d:\n%s", p.status, textOf(byTestID(p.doc, "problems")))
		}
		got := textOf(byTestID(p.doc, "unmapped"))
		if !strings.Contains(got, `"tried" has no option "push-harder"`) || !strings.Contains(got, "3 assessments") {
			t.Errorf("unmapped = %q, want the renamed option reported", got)
		}
	})

	// Stored results never change.
	for i, want := range []string{assessment.BookACall, assessment.HireAPM, assessment.HireAPM} {
		a, err := s.store.FindAssessmentByID(t.Context(), int64(i+1))
		if err != nil || a.Result.Outcome != want {
			t.Errorf("assessment %d after the lab = %v, %v; want still %s", i+1, a.Result.Outcome, err, want)
		}
	}
}

// moveRule moves the rule id of a content file to just before the rule before.
func moveRule(t *testing.T, content, id, before string) string {
	t.Helper()
	start := strings.Index(content, "  - id: "+id+"\n")
	end := start + 1 + strings.Index(content[start+1:], "\n  - id: ")
	if start < 0 || end <= start {
		t.Fatalf("no rule %q in the content", id)
	}
	rule := content[start : end+1]
	rest := content[:start] + content[end+1:]
	at := strings.Index(rest, "  - id: "+before+"\n")
	if at < 0 {
		t.Fatalf("no rule %q in the content", before)
	}
	return rest[:at] + rule + rest[at:]
}

// upload posts one file as multipart/form-data, as a browser's file input does.
func (v *visitor) upload(path, field, name string, content []byte) *page {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		v.t.Fatal(err)
	}
	fw.Write(content)
	mw.WriteField("content", "")
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, v.site.srv.URL+path, &body)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return v.do(req)
}
