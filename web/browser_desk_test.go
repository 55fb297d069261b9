package web_test

import (
	"bytes"
	"database/sql"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web"
)

// The desk's screens: the owner's laptop (1280×800, the size the issue
// measures "a week on one screen" at) and a phone, each light and dark.
var (
	deskMode      = mode{name: "desktop", width: 1280, height: 800}
	deskDarkMode  = mode{name: "desktop-dark", width: 1280, height: 800, dark: true}
	phoneDarkMode = mode{name: "mobile-dark", width: 375, height: 812, mobile: true, dark: true}
)

// TestBrowserDesk is the owner's Monday morning with forty founders in the
// week, at a desk and on a phone, light and dark: the list call first, a
// line per founder and at least eight of them on a laptop's first screen,
// cards no taller than ~120 px on a phone with the filters folded; the
// dashboard's "waiting" the same number as the list it links to; a brief
// that opens with who they are, their words, the verdict and the
// questions, in the third person, and prints on one page with the
// contact; then (light only) the rules lab, and publishing from it with a
// roll-back, and the Embed page. Every page is checked with axe-core.
func TestBrowserDesk(t *testing.T) {
	mustBrowser(t)
	for _, m := range []mode{deskMode, mobileMode, deskDarkMode, phoneDarkMode} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			// A week of founders answered from one test client: more posts a
			// minute than one client may make in production.
			s := mustStart(t, withTimeZone("Europe/Berlin"), func(c *web.Config) { c.PublicPostsPerMinute = 1 << 20 })
			s.mustOwner("greg@example.com")
			week := seedWeek(t, s)
			tb := newTab(t, s, m)
			tb.shotPrefix = "desk-"
			tb.open("/admin/signin")
			tb.typeInto("email", "greg@example.com")
			tb.typeInto("password", ownerPassword)
			tb.follow(`[data-testid=sign-in]`)

			deskList(tb, week)
			deskWaiting(tb)
			deskBrief(tb, week)
			if m.dark {
				return // the lab and versions are the same pages in dark; the journey's keyboard run checks them dark
			}
			deskLab(tb)

			// The Embed page: the snippet to copy (no site listed yet, so it says how).
			tb.follow(`a[href="/admin/embed"]`)
			if !tb.exists(`[data-testid=snippet]`) || !tb.exists(`[data-testid=no-origins]`) {
				t.Errorf("%s: the Embed page lacks the snippet or the note that no site may frame it yet", m.name)
			}
			tb.checkPage("embed")
		})
	}
}

// week is what seedWeek stored, as the desk should show it.
type week struct {
	founders int    // rows of the list: a person's takes as one, anonymous ones each
	first    string // the row call first puts on top
	ada      string // Ada's latest take, which the brief test opens
}

// seedWeek stores forty founders' assessments spread over the last week,
// as a Monday morning finds them: most left their details, some stayed
// anonymous, Ada and Bob took it twice (Bob in other capitals), one wrote
// a message, one visitor gave up after the first step (the funnel's
// track shows), and the newest is minutes old.
func seedWeek(t *testing.T, s *site) week {
	t.Helper()
	type founder struct {
		outcome                    string
		name, email, company, role string
		words                      string
	}
	people := []founder{
		{assessment.HireAPM, "Ada Lovelace", "ada@analytical.example", "Analytical Engines", "CEO", "Whether to rebuild the billing engine before the enterprise pilots."},
		{assessment.BookACall, "Grace Hopper", "grace@compilers.example", "Compilers Inc", "CTO", "Which of two platform bets gets the team for Q3."},
		{assessment.WorthAConversation, "Bob Okafor", "bob@lattice.example", "Lattice Health", "COO", "Whether to keep selling to clinics or move to insurers."},
		{assessment.NarrowScope, "", "", "", "", "Everything, honestly."},
		{assessment.BookACall, "Priya Raman", "priya@tidewater.example", "Tidewater Logistics", "CEO", "Which market to enter after the Netherlands."},
		{assessment.DifferentConversation, "Carmen Ruiz", "carmen@brightloop.example", "Brightloop", "Founder", ""},
		{assessment.HireFullTime, "Jonas Weber", "jonas@kernwerk.example", "Kernwerk", "CEO", "Who owns the roadmap once the seed round closes."},
		{assessment.WorthAConversation, "Mei Chen", "mei@paperkite.example", "Paperkite", "Co-founder", "Self-serve or sales-led for the new tier."},
		{assessment.BookACall, "", "", "", "", "Whether the mobile app is worth another quarter."},
		{assessment.HireAPM, "Tom Becker", "tom@fernhill.example", "Fernhill Foods", "Head of Engineering", "Nobody turns our decisions into tickets."},
		{assessment.NarrowScope, "Lena Novak", "lena@orbitdesk.example", "Orbitdesk", "CEO", "We need help with product, roadmap, hiring and pricing."},
		{assessment.BookACall, "Samuel Adeyemi", "sam@quillpay.example", "Quillpay", "CEO", "Which of our three big ideas gets next quarter's engineering time."},
		{assessment.WorthAConversation, "", "", "", "", ""},
		{assessment.HireFullTime, "Ingrid Dahl", "ingrid@fjordlabs.example", "Fjord Labs", "CEO", "Hiring our first Head of Product this spring."},
		{assessment.DifferentConversation, "Marco Bianchi", "marco@vela.example", "Vela Studio", "Founder", "Confirm the pivot to agencies is right."},
		{assessment.BookACall, "Hannah Schulz", "hannah@greenwire.example", "Greenwire Energy", "COO", "Whether to sunset the consumer app."},
		{assessment.HireAPM, "", "", "", "", "Tickets pile up and nothing ships."},
		{assessment.WorthAConversation, "Olu Bankole", "olu@harbourline.example", "Harbourline", "CEO", "Pricing for the partner channel."},
		{assessment.NarrowScope, "Sofia Lind", "sofia@northpeak.example", "Northpeak", "CEO", "Not sure where to start."},
		{assessment.BookACall, "David Cohen", "david@ledgerly.example", "Ledgerly", "CEO", "Whether the SMB plan survives the enterprise push."},
		{assessment.HireAPM, "Aisha Khan", "aisha@cobalt.example", "Cobalt Robotics", "CTO", "Specs never reach the team in time."},
		{assessment.WorthAConversation, "Lucas Martin", "lucas@atelier.example", "Atelier Nine", "Founder", "What to cut from the spring release."},
		{assessment.BookACall, "", "", "", "", "Which customers to say no to."},
		{assessment.HireFullTime, "Emma Wilson", "emma@brightfield.example", "Brightfield", "CEO", "A permanent product lead before Series B."},
		{assessment.DifferentConversation, "", "", "", "", "Validate our roadmap."},
		{assessment.BookACall, "Kenji Sato", "kenji@mosaic.example", "Mosaic Learning", "CEO", "School districts or direct to teachers."},
		{assessment.NarrowScope, "Nora Fischer", "nora@sprocket.example", "Sprocket", "Founder", ""},
		{assessment.WorthAConversation, "Pablo Ortega", "pablo@solana.example", "Solana Tiles", "CEO", "Whether marketplace or SaaS."},
		{assessment.HireAPM, "Rachel Green", "rachel@meadow.example", "Meadow Analytics", "VP Engineering", "Our sprints are full but unfocused."},
		{assessment.BookACall, "Yusuf Demir", "yusuf@anchor.example", "Anchor Freight", "CEO", "Which of the two acquisitions' products to keep."},
		{assessment.WorthAConversation, "", "", "", "", "Onboarding or retention first."},
		{assessment.HireFullTime, "Claire Dubois", "claire@lumen.example", "Lumen Optics", "CEO", "Hiring a VP Product."},
		{assessment.BookACall, "Ivan Petrov", "ivan@gridline.example", "Gridline", "CTO", "Whether to open the API to partners."},
		{assessment.NarrowScope, "", "", "", "", ""},
		{assessment.WorthAConversation, "Zoe Adams", "zoe@kindred.example", "Kindred Care", "CEO", "Where the care-home product goes next."},
		{assessment.BookACall, "Ahmed Hassan", "ahmed@dune.example", "Dune Water", "CEO", "Which region to build for first."},
		{assessment.HireAPM, "Laura Rossi", "laura@pasta.example", "Pasta Cloud", "COO", "Nobody writes the specs."},
		{assessment.BookACall, "Grace Hopper", "grace@compilers.example", "Compilers Inc", "CTO", "Which of two platform bets gets the team for Q3."},
		{assessment.WorthAConversation, "Bob Okafor", "BOB@lattice.example", "Lattice Health", "COO", "Whether to keep selling to clinics or move to insurers."},
		{assessment.BookACall, "Ada Lovelace", "ada@analytical.example", "Analytical Engines", "CEO", "Which of our three big ideas gets next quarter's engineering time."},
	}
	var ada string
	for i, p := range people {
		contact := url.Values{}
		if p.email != "" {
			contact = url.Values{"name": {p.name}, "email": {p.email}, "company": {p.company}, "role": {p.role}, "consent": {"yes"}}
		}
		answers := exampleAnswers(t, s.q, p.outcome).Clone()
		answers["stuck-decision"] = []string{p.words}
		v := s.newVisitor()
		v.answerAll(answers)
		done := v.submitContact(contact)
		if done.status != 303 {
			t.Fatalf("submit %d = %d, want 303", i+1, done.status)
		}
		if p.name == "Carmen Ruiz" {
			v.post(done.location+"/message", url.Values{"message": {"Could we talk before our board meeting?"}, "email": {p.email}, "consent": {"yes"}})
		}
		if i == len(people)-1 {
			ada = "/admin/a/" + strconv.Itoa(i+1)
		}
	}
	s.newVisitor().start() // gave up at the first step
	// Spread the takes over the week, in the order they were made; the
	// newest a few minutes ago.
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	for i := range people {
		at := now.Add(-time.Duration(len(people)-1-i)*4*time.Hour - 7*time.Minute)
		if _, err := db.Exec(`UPDATE assessments SET created_at = ? WHERE id = ?`, at.Format("2006-01-02T15:04:05.000000000Z"), i+1); err != nil {
			t.Fatal(err)
		}
	}
	return week{founders: len(people) - 3, first: "Ada Lovelace, Analytical Engines", ada: ada}
}

// deskList checks the list as the owner first sees it.
func deskList(tb *tab, w week) {
	t, m := tb.t, tb.mode
	t.Helper()
	if tb.path() != "/admin" {
		t.Fatalf("%s: signed in on %s, want the list", m.name, tb.path())
	}
	if got := eval[string](tb, `document.querySelector('[data-testid=row] [data-testid=who]').textContent.trim().replace(/\s+/g, ' ')`); got != w.first {
		t.Errorf("%s: first row = %q, want %q (call first)", m.name, got, w.first)
	}
	if got := tb.text(`[data-testid=list-count]`); !strings.HasPrefix(got, strconv.Itoa(w.founders)+" founders") {
		t.Errorf("%s: the list counts %q, want %d founders (a retake counts once)", m.name, got, w.founders)
	}
	// How many founders the first screen shows, whole, and how tall a row is.
	rows := eval[[]float64](tb, `[...document.querySelectorAll('[data-testid=row]')].map(r => r.getBoundingClientRect()).filter(b => b.bottom <= innerHeight).map(b => b.height)`)
	tallest := eval[float64](tb, `Math.max(...[...document.querySelectorAll('[data-testid=row]')].map(r => r.getBoundingClientRect().height))`)
	tb.t.Logf("%s: %d founders whole on the first screen, the tallest row %.1f px", m.name, len(rows), tallest)
	if m.mobile {
		if tallest > 120 {
			t.Errorf("%s: the tallest card is %.0f px, want at most 120", m.name, tallest)
		}
		if len(rows) < 4 {
			t.Errorf("%s: %d founders on the first screen of a phone, want at least 4", m.name, len(rows))
		}
		if eval[bool](tb, `document.querySelector('[data-testid=filters]').open`) || eval[bool](tb, `document.querySelector('#f-outcome').checkVisibility()`) {
			t.Errorf("%s: the filters are not folded on a phone", m.name)
		}
		cards := eval[bool](tb, `[...document.querySelectorAll('[data-testid=row]')].every(r => getComputedStyle(r).display === 'grid' && r.getBoundingClientRect().right <= innerWidth)`)
		if !cards {
			t.Errorf("%s: the list is not one card per founder within the screen", m.name)
		}
	} else {
		if len(rows) < 8 {
			t.Errorf("%s: %d founders on the first %d px, want at least 8", m.name, len(rows), m.height)
		}
		if tallest > 56 {
			t.Errorf("%s: the tallest row is %.0f px, want one line (at most 56)", m.name, tallest)
		}
	}
	// Every row: how long ago, with the exact time beside it; a named one
	// a status menu, an anonymous one none.
	when := eval[[]string](tb, `[...document.querySelectorAll('[data-testid=when]')].map(e => e.textContent + '|' + e.title + '|' + e.getAttribute('datetime'))`)
	ago := regexp.MustCompile(`^(just now|\d+ (min|h|d) ago)\|\w{3} \d+ \w{3} \d{4}, \d\d:\d\d\|\d{4}-`)
	for _, s := range when {
		if !ago.MatchString(s) {
			t.Errorf("%s: a row's time reads %q, want how long ago with the exact time in its title and datetime", m.name, s)
		}
	}
	tb.checkPage("list")

	// Newest first, the anonymous founders are on the first page too: they
	// have no follow-up to set, the named ones a status menu.
	tb.open("/admin?order=newest")
	if n := eval[int](tb, `document.querySelectorAll('[data-testid=row].anon').length`); n == 0 {
		t.Fatalf("%s: no anonymous row among the newest", m.name)
	}
	if n := eval[int](tb, `document.querySelectorAll('[data-testid=row].anon [data-testid=status-menu], [data-testid=row].anon [data-testid^=set-]').length`); n != 0 {
		t.Errorf("%s: %d follow-up controls on anonymous rows, want none", m.name, n)
	}
	if n, anon := eval[int](tb, `document.querySelectorAll('[data-testid=row].anon [data-testid=no-follow-up]').length`), eval[int](tb, `document.querySelectorAll('[data-testid=row].anon').length`); n != anon {
		t.Errorf("%s: %d of %d anonymous rows say they have no follow-up", m.name, n, anon)
	}
	if n, named := eval[int](tb, `document.querySelectorAll('[data-testid=row]:not(.anon) [data-testid=status-menu]').length`), eval[int](tb, `document.querySelectorAll('[data-testid=row]:not(.anon)').length`); n != named {
		t.Errorf("%s: %d of %d named rows have a status menu", m.name, n, named)
	}

	// The status: one menu, opened, then one choice saves it.
	first := eval[string](tb, `document.querySelector('[data-testid=row]').dataset.id`)
	tb.do(tb.press(`[data-testid=row] [data-testid=status-menu] summary`, ""))
	tb.checkPage("list-status-menu")
	tb.follow(`[data-testid=row] [data-testid=set-contacted]`)
	if got, at := tb.text(`[data-testid=notice]`), tb.path(); got == "" || at != "/admin?done=status&order=newest" {
		t.Errorf("%s: the status menu's choice lands on %s with notice %q, want the list it was chosen on", m.name, at, got)
	}
	if got := tb.text(`[data-testid=row][data-id="` + first + `"] [data-testid=status-menu] summary`); !strings.Contains(got, "Contacted") {
		t.Errorf("%s: the row's menu reads %q after choosing Contacted", m.name, got)
	}
	// The filters, unfolded.
	tb.do(tb.press(`[data-testid=filters] summary`, ""))
	tb.checkPage("list-filters")
}

// listPage is how many founders the list shows a page.
const listPage = 25

// deskWaiting: the dashboard's "waiting" number is the number of rows of
// the list it links to, over its pages (Grace's and Bob's two takes once
// each: a count of assessments would say two more).
func deskWaiting(tb *tab) {
	t, m := tb.t, tb.mode
	t.Helper()
	tb.open("/admin/dashboard")
	waiting := tb.text(`[data-testid=waiting-count]`)
	tb.checkPage("dashboard")
	tb.follow(`[data-testid=waiting-link]`)
	// The list counts them all, and shows them a page at a time.
	n, err := strconv.Atoi(waiting)
	if err != nil || n <= listPage {
		t.Fatalf("%s: waiting = %q, want a number over a page of the list (%d)", m.name, waiting, listPage)
	}
	rows := eval[int](tb, `document.querySelectorAll('[data-testid=row]').length`)
	counted := tb.text(`[data-testid=list-count]`)
	t.Logf("%s: the dashboard says %s waiting; its list counts %q", m.name, waiting, counted)
	if !strings.HasPrefix(counted, waiting+" founders") || rows != listPage || !tb.exists(`.pager [rel=next]`) {
		t.Errorf("%s: the dashboard says %s waiting; its list counts %q and shows %d rows", m.name, waiting, counted, rows)
	}
	tb.checkPage("list-waiting")
	tb.follow(`.pager [rel=next]`)
	if more := eval[int](tb, `document.querySelectorAll('[data-testid=row]').length`); rows+more != n {
		t.Errorf("%s: the dashboard says %d waiting; its list's two pages show %d and %d rows", m.name, n, rows, more)
	}
}

// deskBrief checks Ada's brief: who, her words, the verdict and the
// questions first, in the third person; on a desk on the first screen,
// with the follow-up beside it, and printed on one page with her contact.
func deskBrief(tb *tab, w week) {
	t, m := tb.t, tb.mode
	t.Helper()
	tb.open(w.ada)
	order := []string{"contact", "own-words", "brief-verdict", "questions", "deciding"}
	tops := eval[[]float64](tb, `['`+strings.Join(order, `','`)+`'].map(id => { const e = document.querySelector('[data-testid=brief] [data-testid=' + id + ']'); return e ? e.getBoundingClientRect().top : -1; })`)
	for i := range order {
		if tops[i] < 0 || i > 0 && tops[i] <= tops[i-1] {
			t.Errorf("%s: the brief's parts %v are at %v, want them in that order", m.name, order, tops)
			break
		}
	}
	if got := tb.text(`[data-testid=contact]`); !strings.Contains(got, "ada@analytical.example") || !strings.Contains(got, "CEO") {
		t.Errorf("%s: the brief's who = %q, want her e-mail and role", m.name, got)
	}
	if got := tb.text(`[data-testid=brief-verdict]`); assessment.AddressesReader(got) {
		t.Errorf("%s: the brief's verdict speaks to the founder: %q", m.name, got)
	}
	if eval[bool](tb, `document.querySelector('[data-testid=brief-copy]').hidden`) {
		t.Errorf("%s: the copy button stays hidden with scripts on", m.name)
	}
	if !m.mobile {
		for sel, ok := range tb.inFirstScreen(`[data-testid=contact]`, `[data-testid=own-words]`, `[data-testid=brief-verdict]`, `[data-testid=questions] li`) {
			if !ok {
				t.Errorf("%s: %s is not on the brief's first screen", m.name, sel)
			}
		}
		// A criterion is named once on the first screen, not in the verdict,
		// what decided it and the strongest signals over again.
		if n := tb.firstScreenCount("Between stages"); n > 1 {
			t.Errorf("%s: \"Between stages\" is on the brief's first screen %d times, want at most once", m.name, n)
		}
		beside := eval[bool](tb, `(() => { const b = document.querySelector('[data-testid=brief]').getBoundingClientRect(), s = document.querySelector('[data-testid=status-control]').getBoundingClientRect(); return s.left >= b.right && s.top < b.bottom; })()`)
		if !beside {
			t.Errorf("%s: the status is not beside the brief", m.name)
		}
		tb.do(tb.media("print"))
		if got := eval[string](tb, `(() => { const e = document.querySelector('[data-testid=contact]'); return getComputedStyle(e).display === 'none' ? '' : e.innerText; })()`); !strings.Contains(got, "ada@analytical.example") || !strings.Contains(got, "CEO") {
			t.Errorf("%s: the printed brief's contact = %q, want her e-mail and role", m.name, got)
		}
		tb.do(tb.media(""))
		if pages := tb.printedPages(); pages != 1 {
			t.Errorf("%s: the brief prints on %d pages, want 1", m.name, pages)
		}
	}
	tb.checkPage("brief")
	tb.follow(`[data-testid=cal-fit]`)
	if got := tb.text(`[data-testid=calibration-recorded]`); !strings.Contains(got, "A fit") {
		t.Errorf("%s: calibration after one click = %q", m.name, got)
	}
	tb.open("/admin/dashboard")
	if got := tb.text(`[data-testid=confusion-book-a-call] td`); got != "1" {
		t.Errorf("%s: confusion table's book-a-call/fit = %q, want 1", m.name, got)
	}
}

// deskLab is the rules lab and publishing from it, with a roll-back.
func deskLab(tb *tab) {
	t, m := tb.t, tb.mode
	t.Helper()
	tb.open("/admin/lab")
	tb.checkPage("lab")
	tb.follow(`[data-testid=lab-check]`) // the file in force, as it starts
	if got := tb.text(`[data-testid=rescore-summary]`); !strings.Contains(got, "0 of 40") {
		t.Errorf("%s: the file in force re-scores as %q, want 0 of 40 changing", m.name, got)
	}
	tb.checkPage("lab-result")
	tb.do(chromedp.SetValue(chromedp.CSS(`#lab-content`), "title: x\nsummary: y\nminutes: 3\nsteps: []\n"))
	tb.follow(`[data-testid=lab-check]`)
	if got := tb.text(`[data-testid=problems]`); !strings.Contains(got, "Line 4") {
		t.Errorf("%s: problems = %q, want them by line", m.name, got)
	}
	tb.checkPage("lab-problems")

	// Publish a retitled candidate, then roll it back, from the Versions page.
	tb.open("/admin/versions")
	tb.checkPage("versions-none") // nothing published yet
	tb.open("/admin/lab")
	eval[bool](tb, `(() => { const c = document.querySelector('#lab-content'); c.value = c.value.replace('\ntitle: ', '\ntitle: Now - '); return true; })()`)
	tb.follow(`[data-testid=lab-check]`)
	if got := tb.text(`[data-testid=publish]`); !strings.Contains(got, "(1 change)") {
		t.Errorf("%s: the Publish box = %q, want the one change it makes", m.name, got)
	}
	tb.checkPage("lab-publish")
	tb.follow(`[data-testid=lab-publish]`)
	if tb.path() != "/admin/versions?done=published" || !strings.Contains(tb.text(`[data-testid=publication]`), "New wording for the title") {
		t.Errorf("%s: after Publish, %s shows %q", m.name, tb.path(), tb.text(`[data-testid=publication]`))
	}
	tb.checkPage("versions")
	tb.follow(`[data-testid=roll-back]`)
	if tb.path() != "/admin/versions?done=rolled-back" {
		t.Errorf("%s: roll-back lands on %s", m.name, tb.path())
	}
	tb.checkPage("versions-rolled-back")
}

// firstScreenCount counts the times text shows inside the first screen.
func (tb *tab) firstScreenCount(text string) int {
	tb.t.Helper()
	return eval[int](tb, `(() => { let n = 0; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let t = w.nextNode(); t; t = w.nextNode()) {
			let i = t.data.indexOf(`+strconv.Quote(text)+`);
			while (i >= 0) {
				const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + `+strconv.Itoa(len(text))+`);
				const b = r.getBoundingClientRect();
				if (b.height > 0 && b.top >= 0 && b.bottom <= innerHeight) n++;
				i = t.data.indexOf(`+strconv.Quote(text)+`, i + 1);
			}
		}
		return n; })()`)
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printedPages prints the page to A4 and counts the pages.
func (tb *tab) printedPages() int {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		tb.t.Fatalf("print to PDF: %v", err)
	}
	n := len(pdfPage.FindAll(pdf, -1))
	if n == 0 {
		tb.t.Fatalf("cannot count the pages of the PDF (%s bytes)", strconv.Itoa(len(pdf)))
	}
	return n
}
