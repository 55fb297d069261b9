package web_test

// Browser tests: the site used as a person uses it, in headless Chromium.
// They skip when no Chromium is found, unless FITCHECK_REQUIRE_BROWSER=1.
// See browser_helpers_test.go for the set-up and the checks every page gets.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"sessionplayer.studio/fitcheck/assessment"
)

const bookingURL = "https://cal.example.com/gregory"

// founder is what the founder of the journey tells about themselves.
var founder = struct{ name, email, company, role string }{
	"Ada Founder", "ada@acme.example", "Acme Robotics", "CEO",
}

// TestBrowserJourney walks the whole site in four ways a person uses it:
// with a mouse on a desktop, on a 375×812 phone, with JavaScript off, and
// with the keyboard only. Each time: the founder's assessment with a
// validation error, Back, a reload and a return; the result and its share
// link in a fresh browser; a 404; then the owner's setup, sign-in, review,
// status, note, CSV export, dashboard, delete confirmation and sign-out.
// Every page is checked with axe-core and for sideways scrolling.
func TestBrowserJourney(t *testing.T) {
	mustBrowser(t)
	for _, m := range []mode{desktopMode, mobileMode, noJSMode, keyboardMode} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			s := mustStart(t, withBooking(bookingURL))
			tb := newTab(t, s, m)
			share := founderJourney(tb)
			sharedResult(t, s, m, share)
			notFoundPage(tb)
			ownerJourney(tb)
		})
	}
}

// founderJourney takes the assessment with the book-a-call example answers
// and returns the share link of the result.
func founderJourney(tb *tab) string {
	t, q := tb.t, tb.site.q
	t.Helper()
	answers := exampleAnswers(t, q, assessment.BookACall)

	tb.open("/")
	if got := tb.text("h1"); got != q.Title {
		t.Errorf("%s: landing h1 = %q, want %q", tb.mode.name, got, q.Title)
	}
	tb.checkPage("landing")
	tb.follow(`[data-testid=start]`)
	tb.assertStep(1)
	tb.checkPage("step-1")
	tb.answerStep(0, answers)
	tb.follow(`[data-testid=next]`)

	// Step 2, first without its last required answer: the page comes back
	// with the message, focus on the summary, and every answer kept.
	tb.assertStep(2)
	tb.checkPage("step-2")
	step := q.Steps[1]
	missing := step.Questions[len(step.Questions)-1]
	partial := assessment.Answers{}
	for k, v := range answers {
		if k != missing.ID {
			partial[k] = v
		}
	}
	tb.answerStep(1, partial)
	tb.follow(`[data-testid=next]`)
	tb.assertStep(2)
	if !tb.exists(`[data-testid="error-` + missing.ID + `"]`) {
		t.Errorf("%s: no message next to %s after leaving it empty", tb.mode.name, missing.ID)
	}
	if !tb.waitFor(`!!document.activeElement && !!document.activeElement.closest('[data-testid=error-summary]')`) {
		t.Errorf("%s: focus after a validation error is on %s, want the error summary", tb.mode.name, eval[focusState](tb, focusJS).Desc)
	}
	tb.assertTicked(1, partial)
	tb.checkPage("step-2-errors")
	tb.answerStep(1, assessment.Answers{missing.ID: answers[missing.ID]})
	tb.follow(`[data-testid=next]`)

	// Step 3, then Back: step 2 still holds its answers, and step 3's
	// answers were saved on the way out.
	tb.assertStep(3)
	tb.checkPage("step-3")
	tb.answerStep(2, answers)
	tb.follow(`[data-testid=back]`)
	tb.assertStep(2)
	tb.assertTicked(1, answers)
	tb.follow(`[data-testid=next]`)
	tb.assertStep(3)
	tb.assertTicked(2, answers)
	tb.follow(`[data-testid=next]`)

	tb.assertStep(4)
	tb.checkPage("step-4")
	tb.answerStep(3, answers)
	tb.follow(`[data-testid=next]`)

	// Mid-way: a reload stays put, and leaving and coming back resumes.
	tb.assertStep(5)
	tb.do(chromedp.Reload())
	tb.assertStep(5)
	tb.open("/")
	if got, want := tb.text(`[data-testid=resume]`), fmt.Sprintf("Continue at step 5 of %d", len(q.Steps)); got != want {
		t.Errorf("%s: landing on return offers %q, want %q", tb.mode.name, got, want)
	}
	tb.checkPage("landing-resume")
	tb.follow(`[data-testid=resume]`)
	tb.assertStep(5)
	tb.checkPage("step-5")
	tb.answerStep(4, answers)
	tb.follow(`[data-testid=next]`)

	// About you: one consent, said beside the send button, which a phone
	// shows without scrolling; the skip sits at the top.
	tb.assertStep(6)
	for sel, ok := range tb.inFirstScreen(`[data-testid=skip]`, `[data-testid=next]`, `[data-testid=consent-note]`) {
		if !ok {
			t.Errorf("%s: %s is not on the contact step's first screen", tb.mode.name, sel)
		}
	}
	tb.checkPage("contact")
	tb.typeInto("c-email", founder.email)
	tb.typeInto("c-company", founder.company)
	tb.typeInto("c-name", founder.name)
	tb.typeInto("c-role", founder.role)
	tb.follow(`[data-testid=next]`)

	// The result.
	if !strings.HasPrefix(tb.path(), "/r/") {
		t.Fatalf("%s: after the last step the page is %s, want /r/{token}", tb.mode.name, tb.path())
	}
	want, _ := q.Outcome(assessment.BookACall)
	if got := tb.text(`[data-testid=headline]`); got != want.Headline {
		t.Errorf("%s: result headline = %q, want %q", tb.mode.name, got, want.Headline)
	}
	if got := eval[string](tb, `document.querySelector('[data-testid=primary-action]').href`); !strings.HasSuffix(got, "/book") {
		t.Errorf("%s: booking button leads to %q, want the result's /book, which pre-fills %s", tb.mode.name, got, bookingURL)
	}
	if !tb.exists(`[data-testid=chart]`) || !tb.exists(`[data-testid=reason]`) {
		t.Errorf("%s: result has no chart or no reason", tb.mode.name)
	}
	tb.checkPage("result")
	if tb.mode == desktopMode {
		tb.assertPrintable()
	}
	// The copy and print buttons are the script's: without it they would do
	// nothing, so they must not show.
	shown := eval[int](tb, `[...document.querySelectorAll('[data-copy],[data-print]')].filter(b => getComputedStyle(b).display !== 'none').length`)
	if tb.mode.noJS && shown != 0 {
		t.Errorf("%s: %d script-only buttons show with JavaScript off", tb.mode.name, shown)
	}
	if !tb.mode.noJS && shown == 0 {
		t.Errorf("%s: the copy and print buttons do not show with JavaScript on", tb.mode.name)
	}
	share := eval[string](tb, `document.querySelector('[data-testid=share-link]').value`)
	if !strings.HasPrefix(share, tb.site.srv.URL+"/r/") {
		t.Errorf("%s: share link = %q, want an absolute link to the result", tb.mode.name, share)
	}
	return share
}

// assertPrintable checks the result in print media: navigation, buttons
// and forms are left off the paper; the verdict and criteria stay.
func (tb *tab) assertPrintable() {
	tb.t.Helper()
	tb.do(tb.media("print"))
	hidden := eval[[]string](tb, `[...document.querySelectorAll('.skip, .share form, .share .button')].filter(e => getComputedStyle(e).display !== 'none').map(e => e.outerHTML.slice(0, 60))`)
	shown := eval[bool](tb, `[...document.querySelectorAll('[data-testid=headline], .criterion')].every(e => getComputedStyle(e).display !== 'none')`)
	if len(hidden) > 0 || !shown {
		tb.t.Errorf("printed result: still shown %v; verdict and criteria shown = %v", hidden, shown)
	}
	ctx, cancel := tb.step()
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		tb.t.Errorf("print the result to PDF: %v", err)
	} else if n := pdfPages(pdf); n != 1 {
		tb.t.Errorf("the printed result has %d pages, want one", n)
	}
	tb.do(tb.media(""))
}

// sharedResult opens the share link in a fresh browser context, as a
// colleague would: the verdict shows, the contact details never do.
func sharedResult(t *testing.T, s *site, m mode, share string) {
	t.Helper()
	other := newTab(t, s, m)
	other.openURL(share)
	want, _ := s.q.Outcome(assessment.BookACall)
	if got := other.text(`[data-testid=headline]`); got != want.Headline {
		t.Errorf("%s: shared result headline = %q, want %q", m.name, got, want.Headline)
	}
	body := other.text("body")
	for _, detail := range []string{founder.name, founder.email, founder.company, founder.role} {
		if strings.Contains(body, detail) {
			t.Errorf("%s: shared result shows the contact detail %q", m.name, detail)
		}
	}
	if other.exists(`[data-testid=delete-own]`) {
		t.Errorf("%s: shared result offers to delete it", m.name)
	}
	other.shotPrefix = "shared-"
	other.checkPage("result")
}

func notFoundPage(tb *tab) {
	tb.t.Helper()
	tb.open("/no-such-page")
	if !tb.exists(`[data-testid=error-page]`) {
		tb.t.Errorf("%s: /no-such-page shows no error page", tb.mode.name)
	}
	tb.checkPage("not-found")
}

// ownerJourney creates the owner account through the one-time link, signs
// out and in again, finds the founder's assessment, follows it up, exports
// the list, looks at the dashboard and the delete confirmation, and signs
// out.
func ownerJourney(tb *tab) {
	t, s := tb.t, tb.site
	t.Helper()
	setup, err := s.server.SetupURL(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tb.open(setup)
	tb.checkPage("setup")
	tb.follow(`[data-testid=create-owner]`)
	if !tb.exists(`[data-testid=error-email]`) {
		t.Errorf("%s: empty setup form shows no message for the email", tb.mode.name)
	}
	tb.checkPage("setup-errors")
	tb.typeInto("email", "greg@example.com")
	tb.typeInto("password", ownerPassword)
	tb.typeInto("password2", ownerPassword)
	tb.follow(`[data-testid=create-owner]`)
	if p := tb.path(); !strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/admin/s") {
		t.Fatalf("%s: after setup the page is %s, want the admin", tb.mode.name, p)
	}

	tb.follow(`[data-testid=sign-out]`)
	if p := tb.path(); !strings.HasPrefix(p, "/admin/signin") {
		t.Fatalf("%s: after signing out the page is %s, want the sign-in page", tb.mode.name, p)
	}
	tb.checkPage("signin")
	tb.typeInto("email", "greg@example.com")
	tb.typeInto("password", "not the password")
	tb.follow(`[data-testid=sign-in]`)
	if !tb.waitFor(`!!document.activeElement && !!document.activeElement.closest('[data-testid=signin-error]')`) {
		t.Errorf("%s: focus after a failed sign-in is on %s, want the message", tb.mode.name, eval[focusState](tb, focusJS).Desc)
	}
	tb.checkPage("signin-error")
	tb.typeInto("password", ownerPassword)
	tb.follow(`[data-testid=sign-in]`)
	if p := tb.path(); p != "/admin" {
		t.Fatalf("%s: after signing in the page is %s, want /admin", tb.mode.name, p)
	}
	tb.checkPage("admin-list")

	// Find the founder by company.
	tb.typeInto("f-q", founder.company)
	tb.follow(`[data-testid=search]`)
	if n := eval[int](tb, `document.querySelectorAll('[data-testid=row]').length`); n != 1 {
		t.Fatalf("%s: searching for %q lists %d assessments, want 1", tb.mode.name, founder.company, n)
	}
	if got := tb.text(`[data-testid=row]`); !strings.Contains(got, founder.name) || !strings.Contains(got, founder.company) {
		t.Errorf("%s: the row found is %q, want the founder's", tb.mode.name, got)
	}
	tb.checkPage("admin-search")
	tb.follow(`[data-testid=row] td:first-child a`)
	detail := tb.path()
	if got := tb.text(`[data-testid=contact]`); !strings.Contains(got, founder.name) || !strings.Contains(got, founder.email) {
		t.Errorf("%s: detail contact = %q, want the founder's name and email", tb.mode.name, got)
	}
	tb.checkPage("admin-detail")

	// Follow-up status: one click, no separate Save.
	tb.follow(`[data-testid=set-contacted]`)
	if got := eval[string](tb, `document.querySelector('[data-testid=set-contacted]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("%s: contacted after one click shows aria-pressed=%q, want true", tb.mode.name, got)
	}
	if !tb.exists(`[data-testid=notice]`) {
		t.Errorf("%s: no notice after saving the status", tb.mode.name)
	}

	// A private note.
	note := "Called on Tuesday. Wants to talk about the roadmap next week."
	tb.typeInto("note", note)
	tb.follow(`[data-testid=add-note]`)
	if got := tb.text(`[data-testid=notes]`); !strings.Contains(got, note) {
		t.Errorf("%s: notes = %q, want the new note", tb.mode.name, got)
	}
	tb.checkPage("admin-detail-note")

	// Export the list as CSV.
	tb.follow(`.admin-nav a[href="/admin"]`)
	csvFile := tb.download(tb.press(`[data-testid=export]`, kb.Enter))
	rows, err := csv.NewReader(bytes.NewReader(csvFile)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%s: exported CSV = %d rows, %v; want a header and one row:\n%s", tb.mode.name, len(rows), err, csvFile)
	}
	if !slices.Contains(rows[1], founder.email) || !slices.Contains(rows[1], assessment.BookACall) || !slices.Contains(rows[1], string(assessment.StatusContacted)) {
		t.Errorf("%s: exported row = %v, want the founder's email, outcome and status", tb.mode.name, rows[1])
	}

	tb.follow(`.admin-nav a[href="/admin/dashboard"]`)
	if !tb.exists(`[data-testid=outcome-counts]`) || !tb.exists(`[data-testid=funnel-chart]`) {
		t.Errorf("%s: dashboard lacks its counts or funnel", tb.mode.name)
	}
	tb.checkPage("admin-dashboard")

	// Delete: the confirmation page, then keep it.
	tb.open(detail)
	tb.follow(`[data-testid=delete]`)
	tb.checkPage("admin-delete")
	tb.follow(`form.actions a.button`)
	if p := tb.path(); p != detail {
		t.Errorf("%s: Keep it leads to %s, want %s", tb.mode.name, p, detail)
	}

	tb.follow(`[data-testid=sign-out]`)
	tb.open("/admin")
	if p := tb.path(); !strings.HasPrefix(p, "/admin/signin") {
		t.Errorf("%s: /admin after signing out shows %s, want the sign-in page", tb.mode.name, p)
	}
}

// answerStep answers the questions of one step (0-based) that answers
// holds, in page order.
func (tb *tab) answerStep(idx int, answers assessment.Answers) {
	tb.t.Helper()
	for _, qn := range tb.site.q.Steps[idx].Questions {
		vals := answers[qn.ID]
		if qn.Type == assessment.Text {
			if len(vals) > 0 && vals[0] != "" {
				tb.typeInto("q-"+qn.ID, vals[0])
			}
			continue
		}
		for _, o := range qn.Options {
			if slices.Contains(vals, o.ID) {
				tb.choose("q-" + qn.ID + "-" + o.ID)
			}
		}
	}
}

// assertTicked checks that the choices of a step (0-based) show as ticked.
func (tb *tab) assertTicked(idx int, answers assessment.Answers) {
	tb.t.Helper()
	for _, qn := range tb.site.q.Steps[idx].Questions {
		if qn.Type == assessment.Text {
			continue
		}
		want := answers[qn.ID]
		if got := tb.ticked(qn.ID); strings.Join(got, ",") != strings.Join(want, ",") {
			tb.t.Errorf("%s: on step %d, %s ticked = %v, want %v", tb.mode.name, idx+1, qn.ID, got, want)
		}
	}
}

// assertStep checks that the page is step n and says so.
func (tb *tab) assertStep(n int) {
	tb.t.Helper()
	if p := tb.path(); !strings.HasPrefix(p, fmt.Sprintf("/step/%d", n)) {
		tb.t.Fatalf("%s: page is %s, want step %d", tb.mode.name, p, n)
	}
	want := fmt.Sprintf("Step %d of %d", n, len(tb.site.q.Steps))
	if n == len(tb.site.q.Steps)+1 {
		want = "Optional: your details" // the contact step counts as optional, not as a step
	}
	if got := tb.text(`#progress-label`); got != want {
		tb.t.Errorf("%s: progress = %q, want %q", tb.mode.name, got, want)
	}
}

// TestBrowserOutcomes reaches every outcome through the pages and checks
// each result's first screen at desktop and phone sizes, light and dark:
// its badge, headline, one sentence of why (at most twenty words), the
// primary action and the line of reassurance under it, and (for a result
// that names one) the tension. Each outcome has a look of its own (badge
// words, colour and icon: six distinct badges), prints on one page, and
// its shared view speaks of the founder in the third person.
func TestBrowserOutcomes(t *testing.T) {
	mustBrowser(t)
	s := mustStart(t, withBooking(bookingURL))
	type resultCase struct {
		name, outcome string
		answers       assessment.Answers
		tension       bool
	}
	var cases []resultCase
	for _, outcome := range assessment.OutcomeIDs {
		cases = append(cases, resultCase{outcome, outcome, exampleAnswers(t, s.q, outcome), false})
	}
	for _, ex := range s.q.Examples {
		if ex.Name == misdiagnosis {
			cases = append(cases, resultCase{"book-a-call-with-tension", ex.Expect, ex.Answers, true})
		}
	}
	var mu sync.Mutex
	looks := map[string]badgeLook{}
	t.Run("each", func(t *testing.T) {
		for _, c := range cases {
			outcome, answers := c.outcome, c.answers
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				tb := newTab(t, s, desktopMode)
				tb.shotPrefix = "outcome-"
				tb.open("/")
				tb.follow(`[data-testid=start]`)
				for i := range s.q.Steps {
					tb.answerStep(i, answers)
					tb.follow(`[data-testid=next]`)
				}
				tb.follow(`[data-testid=skip]`) // about you, skipped
				want, _ := s.q.Outcome(outcome)
				if got := tb.text(`[data-testid=headline]`); got != want.Headline {
					t.Errorf("result headline = %q, want %q (%s)", got, want.Headline, outcome)
				}
				if n := eval[int](tb, `document.querySelectorAll('[data-testid^=criterion-]').length`); n != len(s.q.Criteria) {
					t.Errorf("result explains %d criteria, want %d", n, len(s.q.Criteria))
				}
				why := tb.text(`[data-testid=reason]`)
				if n := assessment.WordCount(why); n == 0 || n > assessment.MaxWhyWords {
					t.Errorf("%s: the why %q has %d words, want 1 to %d", c.name, why, n, assessment.MaxWhyWords)
				}
				first := []string{"[data-testid=badge]", "[data-testid=headline]", "[data-testid=reason]", "[data-testid=primary-action]", "[data-testid=reassurance]"}
				if c.tension {
					first = append(first, "[data-testid=tension]")
				}
				tb.assertFirstScreens(c.name, first)
				if !c.tension {
					mu.Lock()
					looks[outcome] = tb.badgeLook()
					mu.Unlock()
				}
				tb.assertPrintsOnOnePage(c.name)
				if href := eval[string](tb, `document.querySelector('[data-testid=primary-action]').getAttribute('href') || ''`); strings.HasSuffix(href, "/checklist") {
					guide := newTab(t, s, desktopMode)
					guide.shotPrefix = "guide-"
					guide.open(href)
					guide.assertFirstScreens(c.name, []string{"h1", "[data-testid=checklist] .lead"})
				}

				shared := newTab(t, s, desktopMode)
				shared.shotPrefix = "shared-"
				shared.openURL(eval[string](tb, `document.querySelector('[data-testid=share-link]').value`))
				verdict := shared.text(`[data-testid=badge]`) + " " + shared.text(`[data-testid=headline]`) + " " + shared.text(`[data-testid=reason]`)
				if shared.exists(`[data-testid=tension]`) {
					verdict += " " + shared.text(`[data-testid=tension]`)
				}
				if assessment.AddressesReader(verdict) {
					t.Errorf("%s: the shared view's verdict speaks to the founder: %q", c.name, verdict)
				}
				if said := shared.text(`[data-testid=decisive]`); strings.Contains(said, "You said") {
					t.Errorf("%s: the shared view quotes the founder as %q; want They said", c.name, said)
				}
				shared.assertFirstScreens(c.name, []string{"[data-testid=badge]", "[data-testid=headline]", "[data-testid=reason]", "[data-testid=primary-action]", "[data-testid=reassurance]", "[data-testid=owner]"})
			})
		}
	})
	if len(looks) != len(assessment.OutcomeIDs) {
		return // a case failed before its badge was read
	}
	words, colours, icons := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, l := range looks {
		words[l.Words], colours[l.Colour], icons[l.Icon] = true, true, true
	}
	if n := len(assessment.OutcomeIDs); len(words) != n || len(colours) != n || len(icons) != n {
		t.Errorf("badges: %d distinct words, %d colours, %d icons for %d outcomes, want each distinct: %+v", len(words), len(colours), len(icons), n, looks)
	}
}

// badgeLook is what tells one verdict's badge from another's.
type badgeLook struct{ Words, Colour, Icon string }

func (tb *tab) badgeLook() badgeLook {
	tb.t.Helper()
	return eval[badgeLook](tb, `(() => { const b = document.querySelector('[data-testid=badge]');
		return {Words: b.textContent.trim(), Colour: getComputedStyle(b).backgroundColor, Icon: b.querySelector('svg').innerHTML}; })()`)
}

// assertFirstScreens checks that every selector lies on the first screen
// at 1280×800 and 375×812, in light and dark, checking each page.
func (tb *tab) assertFirstScreens(name string, selectors []string) {
	tb.t.Helper()
	for _, m := range []mode{{name: "desktop-800", width: 1280, height: 800}, mobileMode, {name: "mobile-dark", width: 375, height: 812, mobile: true, dark: true},
		{name: "desktop-800-dark", width: 1280, height: 800, dark: true}} {
		tb.resize(m)
		tb.mode.dark = m.dark
		tb.do(tb.media(""))
		eval[bool](tb, `(window.scrollTo(0, 0), true)`)
		// The colours change with a short transition: check them settled.
		tb.waitFor(`document.getAnimations().length === 0`)
		for sel, ok := range tb.inFirstScreen(selectors...) {
			if !ok {
				tb.t.Errorf("%s at %dx%d: %s is not on the first screen", name, m.width, m.height, sel)
			}
		}
		tb.checkPage(name)
	}
}

// assertPrintsOnOnePage prints the page to an A4 PDF and counts its pages.
func (tb *tab) assertPrintsOnOnePage(name string) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		tb.t.Fatalf("%s: print to PDF: %v", name, err)
	}
	if n := pdfPages(pdf); n != 1 {
		tb.t.Errorf("%s prints on %d pages, want one", name, n)
	}
	if tb.shots != "" {
		// How the paper looks, near enough: A4's width at 96 dpi, in print media.
		was := tb.mode
		tb.resize(mode{name: "print", width: 794, height: 1123})
		tb.mode.dark = false
		tb.do(tb.media("print"))
		tb.shotPrefix, tb.mode.name = "print-", "print"
		tb.screenshot(name)
		tb.shotPrefix = "outcome-"
		tb.resize(was)
		tb.mode = was
		tb.do(tb.media(""))
	}
}

// pdfPages is the page count a PDF's page tree declares.
func pdfPages(pdf []byte) int {
	most := 0
	for _, m := range regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b`).FindAllSubmatch(pdf, -1) {
		n, _ := strconv.Atoi(string(append(m[1], m[2]...)))
		most = max(most, n)
	}
	return most
}

// TestBrowserChecksCatchProblems makes sure the checks every page gets can
// fail: a page with an image without text, a too-wide element and a
// button without a focus ring must trip axe-core, the width check and the
// focus check.
func TestBrowserChecksCatchProblems(t *testing.T) {
	mustBrowser(t)
	s := mustStart(t)
	tb := newTab(t, s, mobileMode)
	tb.open("/")
	// Styled through the CSSOM: the site's Content-Security-Policy ignores
	// style attributes.
	eval[chromedp.Void](tb, `(() => {
	  const main = document.querySelector('main');
	  main.append(Object.assign(document.createElement('img'), {src: '/static/icon.svg'}));
	  const wide = main.appendChild(document.createElement('div'));
	  wide.textContent = 'wide';
	  wide.style.width = '500px';
	  const plain = main.appendChild(Object.assign(document.createElement('button'), {id: 'plain', textContent: 'plain'}));
	  plain.style.outline = 'none';
	})()`)
	if shared.axe != "" {
		var ids []string
		for _, v := range tb.axeViolations() {
			ids = append(ids, v.ID)
		}
		if !slices.Contains(ids, "image-alt") {
			t.Errorf("axe-core on a page with an image without alt text found %v, want image-alt", ids)
		}
	}
	if width, limit := tb.pageWidth(); width <= limit {
		t.Errorf("page with a 500 px element is %d px wide for a %d px phone, want it to be too wide", width, limit)
	}
	eval[chromedp.Void](tb, `document.getElementById('plain').focus()`)
	if f := eval[focusState](tb, focusJS); f.Visible {
		t.Errorf("focus on a button with outline: none counts as visible: %+v", f)
	}
}
