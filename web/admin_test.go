package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/password"
)

const ownerPassword = "correct horse battery staple"

// mustOwner creates an owner account directly in the store.
func (s *site) mustOwner(email string) {
	s.t.Helper()
	now := time.Now().UTC()
	o := &assessment.Owner{Email: email, PasswordHash: password.Hash(ownerPassword), CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateOwner(s.t.Context(), o); err != nil {
		s.t.Fatalf("CreateOwner: %v", err)
	}
}

// signIn signs the visitor in through the form and fails the test if it
// does not land in the admin.
func (v *visitor) signIn(email, password string) {
	v.t.Helper()
	p := v.post("/admin/signin", url.Values{"email": {email}, "password": {password}, "next": {"/admin"}})
	if p.status != http.StatusSeeOther || p.location != "/admin" {
		v.t.Fatalf("sign in = %d %q, want 303 to /admin; body:\n%s", p.status, p.location, p.body)
	}
}

// submitted makes one finished assessment and returns its result path.
func (s *site) submitted(outcome string, contact url.Values) string {
	s.t.Helper()
	v := s.newVisitor()
	v.answerAll(exampleAnswers(s.t, s.q, outcome))
	p := v.submitContact(contact)
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("submit = %d, want 303", p.status)
	}
	return p.location
}

func TestSetupLinkWorksOnce(t *testing.T) {
	s := mustStart(t)
	setup, err := s.server.SetupURL(t.Context())
	if err != nil || !strings.HasPrefix(setup, "/admin/setup?token=") {
		t.Fatalf("SetupURL = %q, %v; want a one-time link", setup, err)
	}
	token := strings.TrimPrefix(setup, "/admin/setup?token=")
	if len(token) < 40 {
		t.Errorf("setup token %q is too short to be unguessable", token)
	}
	v := s.newVisitor()
	if p := v.get("/admin/setup?token=wrong"); p.status != http.StatusNotFound {
		t.Errorf("setup with a wrong token = %d, want 404", p.status)
	}
	if p := v.get(setup); p.status != http.StatusOK || findForm(p.doc, "/admin/setup") == nil {
		t.Fatalf("setup page = %d, want 200 with a form", p.status)
	}
	bad := v.post("/admin/setup", url.Values{"token": {token}, "email": {"not-an-email"}, "password": {"short"}, "password2": {"short"}})
	if bad.status != http.StatusUnprocessableEntity || byTestID(bad.doc, "error-email") == nil || byTestID(bad.doc, "error-password") == nil {
		t.Errorf("setup with a bad email and short password = %d, want 422 with both messages", bad.status)
	}
	ok := v.post("/admin/setup", url.Values{"token": {token}, "email": {"Greg@Example.com"}, "password": {ownerPassword}, "password2": {ownerPassword}})
	if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, "/admin") {
		t.Fatalf("setup = %d %q, want 303 into the admin", ok.status, ok.location)
	}
	if p := v.get("/admin"); p.status != http.StatusOK {
		t.Errorf("admin after setup = %d, want 200 (signed in)", p.status)
	}
	if p := s.newVisitor().get(setup); p.status != http.StatusNotFound {
		t.Errorf("setup link after use = %d, want 404", p.status)
	}
	again := s.newVisitor().post("/admin/setup", url.Values{"token": {token}, "email": {"eve@example.com"}, "password": {ownerPassword}, "password2": {ownerPassword}})
	if again.status != http.StatusNotFound || s.countRows("owners") != 1 {
		t.Errorf("second setup post = %d with %d owners, want 404 and one owner", again.status, s.countRows("owners"))
	}
	if u, _ := s.server.SetupURL(t.Context()); u != "" {
		t.Errorf("SetupURL with an owner = %q, want none", u)
	}
	// The email was stored lower-cased, so sign-in is case-insensitive.
	s.newVisitor().signIn("greg@example.com", ownerPassword)
}

func TestSignIn(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")

	t.Run("success issues a fresh HttpOnly session", func(t *testing.T) {
		v := s.newVisitor()
		u, _ := url.Parse(s.srv.URL + "/admin")
		v.client.Jar.SetCookies(u, []*http.Cookie{{Name: "fitcheck_owner", Value: "planted-by-an-attacker", Path: "/admin"}})
		resp := rawPost(t, v, "/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}})
		sc := resp.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "fitcheck_owner=") || strings.Contains(sc, "planted-by-an-attacker") ||
			!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("Set-Cookie = %q, want a new HttpOnly SameSite=Lax session", sc)
		}
		if p := v.get("/admin"); p.status != http.StatusOK || byTestID(p.doc, "sign-out") == nil {
			t.Errorf("GET /admin after sign-in = %d, want the list", p.status)
		}
	})

	for _, tt := range []struct{ name, email, password string }{
		{"wrong password", "greg@example.com", "not the password at all"},
		{"unknown email", "nobody@example.com", ownerPassword},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := s.newVisitor()
			p := v.post("/admin/signin", url.Values{"email": {tt.email}, "password": {tt.password}})
			if p.status != http.StatusUnauthorized {
				t.Errorf("sign in = %d, want 401", p.status)
			}
			if got := textOf(byTestID(p.doc, "signin-error")); got != "That email and password don't match an account." {
				t.Errorf("message = %q, want the same words for every failure", got)
			}
			if g := v.get("/admin"); g.status != http.StatusSeeOther {
				t.Errorf("GET /admin after a failed sign-in = %d, want 303 to sign-in", g.status)
			}
		})
	}
}

func rawPost(t *testing.T, v *visitor, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := v.client.PostForm(v.site.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestSignInRateLimit(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	for i := range 5 {
		if p := v.post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {"wrong password " + strconv.Itoa(i)}}); p.status != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, p.status)
		}
	}
	p := v.post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}})
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
		t.Errorf("sign-in after 5 failures = %d (Retry-After %q), want 429 even with the right password", p.status, p.header.Get("Retry-After"))
	}
	if !strings.Contains(textOf(p.doc), "Too many failed sign-ins") {
		t.Errorf("429 page does not explain itself")
	}

	// One address trying many accounts is limited too.
	s2 := mustStart(t)
	v2 := s2.newVisitor()
	var last *page
	for i := range 21 {
		last = v2.post("/admin/signin", url.Values{"email": {"user" + strconv.Itoa(i) + "@example.com"}, "password": {"guess guess guess"}})
	}
	if last.status != http.StatusTooManyRequests {
		t.Errorf("21st failure from one address across accounts = %d, want 429", last.status)
	}
}

func TestAdminRefusesAnonymousRequests(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{"name": {"Ada Founder"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	tests := []struct {
		method, path string
		form         url.Values
		wantStatus   int
	}{
		{http.MethodGet, "/admin", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/?outcome=book-a-call", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/dashboard", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/a/1", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/a/1/delete", nil, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/status", url.Values{"status": {"booked"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/notes", url.Values{"note": {"sneaky"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/delete", url.Values{"confirm": {"yes"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/signout-everywhere", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/export.csv", nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			v := s.newVisitor()
			var p *page
			if tt.method == http.MethodGet {
				p = v.get(tt.path)
			} else {
				p = v.post(tt.path, tt.form)
			}
			if p.status != tt.wantStatus {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, p.status, tt.wantStatus)
			}
			if p.status == http.StatusSeeOther && !strings.HasPrefix(p.location, "/admin/signin") {
				t.Errorf("%s %s redirects to %q, want the sign-in page", tt.method, tt.path, p.location)
			}
			if strings.Contains(p.body, "ada@example.com") || strings.Contains(p.body, "Ada Founder") {
				t.Errorf("%s %s leaked contact details to an anonymous request", tt.method, tt.path)
			}
		})
	}
	a, err := s.store.FindAssessmentByID(t.Context(), 1)
	if err != nil || a.Status != assessment.StatusNew {
		t.Errorf("after anonymous posts the assessment = %v, %v; want it untouched with status new", a, err)
	}
	if n := s.countRows("notes"); n != 0 {
		t.Errorf("anonymous note posts stored %d notes", n)
	}
}

func TestSignOutRevokesTheSession(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	u, _ := url.Parse(s.srv.URL + "/admin")
	stolen := v.client.Jar.Cookies(u)

	out := v.post("/admin/signout", nil)
	if out.status != http.StatusSeeOther || !strings.Contains(out.location, "signed-out") {
		t.Errorf("sign out = %d %q, want 303 to the sign-in page", out.status, out.location)
	}
	replay := s.newVisitor()
	replay.client.Jar.SetCookies(u, stolen)
	if p := replay.get("/admin"); p.status != http.StatusSeeOther {
		t.Errorf("old session cookie after sign-out = %d, want it refused", p.status)
	}

	laptop, phone := s.newVisitor(), s.newVisitor()
	laptop.signIn("greg@example.com", ownerPassword)
	phone.signIn("greg@example.com", ownerPassword)
	if p := laptop.post("/admin/signout-everywhere", nil); p.status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere = %d, want 303", p.status)
	}
	if p := phone.get("/admin"); p.status != http.StatusSeeOther {
		t.Errorf("other device after sign-out-everywhere = %d, want it signed out", p.status)
	}
}

func TestListFiltersAndSearch(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{"name": {"Ada Lovelace"}, "email": {"ada@analytical.example"}, "company": {"Engines Ltd"}, "consent": {"yes"}})
	s.submitted(assessment.BookACall, url.Values{})
	s.submitted(assessment.HireAPM, url.Values{"name": {"Grace Hopper"}, "email": {"grace@navy.example"}, "company": {"Compilers Inc"}, "consent": {"yes"}})
	s.submitted(assessment.NarrowScope, url.Values{})
	if err := s.store.UpdateStatus(t.Context(), 3, assessment.StatusBooked, time.Now()); err != nil {
		t.Fatal(err)
	}
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	today := time.Now().UTC().Format("2006-01-02")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	tests := []struct {
		query string
		want  int
	}{
		{"", 4},
		{"outcome=book-a-call", 2},
		{"outcome=hire-a-pm", 1},
		{"status=booked", 1},
		{"status=new", 3},
		{"q=lovelace", 1},
		{"q=ENGINES", 1},
		{"q=navy.example", 1},
		{"q=%25", 0}, // a literal % matches nothing, not everything
		{"outcome=book-a-call&q=grace", 0},
		{"from=" + today + "&to=" + today, 4},
		{"from=" + tomorrow, 0},
		{"to=" + yesterday, 0},
		{"outcome=nonsense", 4}, // unknown filters are ignored, with a note
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := v.get("/admin?" + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("GET /admin?%s = %d", tt.query, p.status)
			}
			if got := countTestIDs(p.doc, "row"); got != tt.want {
				t.Errorf("rows for %q = %d, want %d", tt.query, got, tt.want)
			}
		})
	}
	// Newest first when asked, and only consented contacts are shown.
	list := v.get("/admin?order=newest")
	body := textOf(byTestID(list.doc, "assessments"))
	if strings.Index(body, "Grace Hopper") > strings.Index(body, "Ada Lovelace") {
		t.Errorf("list is not newest first: %q", body)
	}
	if !strings.Contains(body, "Anonymous") {
		t.Errorf("anonymous assessments are not marked as such")
	}
}

func countTestIDs(doc *htmlNode, id string) int {
	n := 0
	walk(doc, func(x *htmlNode) bool {
		if attr(x, "data-testid") == id {
			n++
		}
		return true
	})
	return n
}

func TestStatusNotesAndDelete(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	resultPath := s.submitted(assessment.BookACall, url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)

	detail := v.get("/admin/a/1")
	if !strings.Contains(textOf(byTestID(detail.doc, "contact")), "ada@example.com") {
		t.Errorf("detail does not show the consented contact")
	}
	if len(texts(detail.doc, "answers")) == 0 || !strings.Contains(textOf(byTestID(detail.doc, "answers")), "Growing") {
		t.Errorf("detail does not list the answers in the questionnaire's words")
	}

	p := v.post("/admin/a/1/status", url.Values{"status": {"contacted"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("set status = %d, want 303", p.status)
	}
	after := v.get(p.location)
	if got := textOf(byTestID(after.doc, "notice")); got == "" {
		t.Errorf("no confirmation after changing the status")
	}
	if sel := pressedStatus(after.doc); sel != "contacted" {
		t.Errorf("status control shows %q, want contacted", sel)
	}
	if p := v.post("/admin/a/1/status", url.Values{"status": {"bogus"}}); p.status != http.StatusBadRequest {
		t.Errorf("unknown status = %d, want 400", p.status)
	}

	v.post("/admin/a/1/notes", url.Values{"note": {"Called on Monday; follow up after their board meeting."}})
	v.post("/admin/a/1/notes", url.Values{"note": {"Booked for Thursday."}})
	if p := v.post("/admin/a/1/notes", url.Values{"note": {"   "}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("empty note = %d, want 422", p.status)
	}
	notes := textOf(byTestID(v.get("/admin/a/1").doc, "notes"))
	if !strings.Contains(notes, "board meeting") || !strings.Contains(notes, "Booked for Thursday") || !strings.Contains(notes, "greg@example.com") ||
		strings.Index(notes, "board meeting") > strings.Index(notes, "Thursday") {
		t.Errorf("notes = %q, want both, oldest first, with their author", notes)
	}

	if p := v.post("/admin/a/1/delete", url.Values{}); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/delete") {
		t.Errorf("delete without confirmation = %d %q, want the confirmation page", p.status, p.location)
	}
	confirm := v.get("/admin/a/1/delete")
	if byTestID(confirm.doc, "confirm-delete") == nil {
		t.Fatalf("no confirmation button on the delete page")
	}
	done := v.post("/admin/a/1/delete", url.Values{"confirm": {"yes"}})
	if done.status != http.StatusSeeOther || !strings.Contains(done.location, "done=deleted") {
		t.Errorf("delete = %d %q, want 303 to the list with a confirmation", done.status, done.location)
	}
	if s.countRows("assessments") != 0 || s.countRows("notes") != 0 {
		t.Errorf("after delete: %d assessments, %d notes; want none", s.countRows("assessments"), s.countRows("notes"))
	}
	if p := s.newVisitor().get(resultPath); p.status != http.StatusNotFound {
		t.Errorf("share link after delete = %d, want 404", p.status)
	}
	if p := v.get("/admin/a/1"); p.status != http.StatusNotFound {
		t.Errorf("deleted detail = %d, want 404", p.status)
	}
}

// pressedStatus is the status whose one-click button shows as current.
func pressedStatus(doc *htmlNode) string {
	var st string
	walk(byTestID(doc, "status-control"), func(n *htmlNode) bool {
		if n.Data == "button" && attr(n, "aria-pressed") == "true" {
			st = strings.TrimPrefix(attr(n, "data-testid"), "set-")
		}
		return true
	})
	return st
}

func TestCSVExport(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	answers := exampleAnswers(t, s.q, assessment.BookACall).Clone()
	var textQuestion string
	for _, st := range s.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				textQuestion = qn.ID
			}
		}
	}
	answers[textQuestion] = []string{`=HYPERLINK("http://evil.example","click")`}
	v0 := s.newVisitor()
	v0.answerAll(answers)
	v0.submitContact(url.Values{"name": {"+SUM(A1:A9)"}, "email": {"ada@example.com"}, "company": {"@Acme"}, "role": {"-CEO"}, "consent": {"yes"}})
	s.submitted(assessment.HireAPM, url.Values{})

	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	p := v.get("/admin/export.csv?outcome=book-a-call")
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export = %d %q %q, want a CSV attachment", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if len(records) != 2 {
		t.Fatalf("export rows = %d, want a header and the one filtered assessment", len(records))
	}
	header, row := records[0], records[1]
	if want := 9 + len(s.q.Criteria) + s.q.QuestionCount(); len(header) != want {
		t.Errorf("columns = %d, want %d (one per question plus outcome, criteria, contact, status, time)", len(header), want)
	}
	cell := map[string]string{}
	for i, h := range header {
		cell[h] = row[i]
	}
	if cell["outcome"] != assessment.BookACall || cell["status"] != "new" || cell["email"] != "ada@example.com" {
		t.Errorf("row = %v, want outcome, status and email", cell)
	}
	for col, want := range map[string]string{"name": "'+SUM(A1:A9)", "company": "'@Acme", "role": "'-CEO"} {
		if cell[col] != want {
			t.Errorf("%s cell = %q, want %q (formula neutralised)", col, cell[col], want)
		}
	}
	qn, _, _ := s.q.Question(textQuestion)
	if got := cell[qn.Prompt]; !strings.HasPrefix(got, "'=HYPERLINK") {
		t.Errorf("text answer cell = %q, want it neutralised with a leading quote", got)
	}
	stage, _, _ := s.q.Question("stage")
	if opt, _ := stage.Option(answers.First("stage")); cell[stage.Prompt] != opt.Label {
		t.Errorf("stage cell = %q, want the option label %q", cell[stage.Prompt], opt.Label)
	}
}

func TestDashboardCountsAndFunnel(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	// Three visitors start; two reach step 2; one finishes.
	answers := exampleAnswers(t, s.q, assessment.HireAPM)
	s.newVisitor().start()
	second := s.newVisitor()
	second.get(second.fill(second.start(), answers, "next").location)
	s.submitted(assessment.HireAPM, url.Values{})

	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	d := v.get("/admin/dashboard")
	if d.status != http.StatusOK {
		t.Fatalf("dashboard = %d", d.status)
	}
	funnel := rowsOf(byTestID(d.doc, "funnel"))
	want := map[string]string{
		"Started":  "3",
		"Step 1: ": "3",
		"Step 2: ": "2",
		"Step 3: ": "1",
		"Step 6: ": "1",
		"Finished": "1",
	}
	for prefix, count := range want {
		found := false
		for _, r := range funnel {
			if strings.HasPrefix(r[0], prefix) {
				found = true
				if r[1] != count {
					t.Errorf("funnel %q = %s, want %s", r[0], r[1], count)
				}
			}
		}
		if !found {
			t.Errorf("funnel has no row starting %q: %v", prefix, funnel)
		}
	}
	counts := rowsOf(byTestID(d.doc, "count-"+assessment.HireAPM))
	if len(counts) != 1 || strings.Join(counts[0][1:], ",") != "1,1,1" {
		t.Errorf("hire-a-pm counts = %v, want 1 in each period", counts)
	}
	if chart := byTestID(d.doc, "weekly-chart"); chart == nil || !strings.Contains(textOf(chart), "1 hire a pm") {
		t.Errorf("weekly chart has no text alternative naming this week's assessment")
	}
}

// rowsOf lists the cells' text of each row in a table (or of one row).
func rowsOf(n *htmlNode) [][]string {
	var rows [][]string
	if n == nil {
		return nil
	}
	walk(n, func(x *htmlNode) bool {
		if x.Data == "tr" {
			var cells []string
			walk(x, func(c *htmlNode) bool {
				if c.Data == "td" || c.Data == "th" {
					cells = append(cells, textOf(c))
					return false
				}
				return true
			})
			rows = append(rows, cells)
			return false
		}
		return true
	})
	return rows
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{})
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	v.start()
	for _, tt := range []struct {
		path   string
		form   url.Values
		header string
		value  string
	}{
		{"/admin/a/1/status", url.Values{"status": {"archived"}}, "Sec-Fetch-Site", "cross-site"},
		{"/admin/a/1/delete", url.Values{"confirm": {"yes"}}, "Origin", "https://evil.example"},
		{"/step/1", url.Values{"stage": {"growing"}}, "Sec-Fetch-Site", "cross-site"},
		{"/start", url.Values{"fresh": {"1"}}, "Sec-Fetch-Site", "cross-site"},
	} {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+tt.path, strings.NewReader(tt.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(tt.header, tt.value)
		p := v.do(req)
		if p.status != http.StatusForbidden || !strings.Contains(textOf(p.doc), "another site") {
			t.Errorf("forged POST %s = %d, want 403 with an explanation", tt.path, p.status)
		}
	}
	a, err := s.store.FindAssessmentByID(t.Context(), 1)
	if err != nil || a.Status != assessment.StatusNew {
		t.Errorf("after forged posts the assessment = %v, %v; want it untouched", a, err)
	}
}

func TestParallelSignInsCannotSlipPastTheLimit(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.PostForm(s.srv.URL+"/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {"wrong guess number " + strconv.Itoa(i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	checkedPasswords := 0
	for st := range statuses {
		switch st {
		case http.StatusUnauthorized:
			checkedPasswords++
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		default:
			t.Errorf("parallel sign-in = %d, want 401, 429 or 503", st)
		}
	}
	if checkedPasswords > 5 {
		t.Errorf("%d parallel guesses were checked against the password, want at most 5", checkedPasswords)
	}
}

func TestSignInNextStaysInTheAdmin(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	for next, want := range map[string]string{
		"/admin/a/1":               "/admin/a/1",
		"/admin?outcome=hire-a-pm": "/admin?outcome=hire-a-pm",
		"/admin/../r/x":            "/admin",
		"//evil.example/admin":     "/admin",
		"https://evil.example/":    "/admin",
		"/admin\\..\\x":            "/admin",
	} {
		v := s.newVisitor()
		p := v.post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}, "next": {next}})
		if p.location != want {
			t.Errorf("sign in with next=%q went to %q, want %q", next, p.location, want)
		}
	}
}
