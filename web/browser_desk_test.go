package web_test

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestBrowserDesk is the owner's Monday morning at a desk and on a phone:
// the list call first (cards on a phone, nothing sideways), a brief that
// prints on one page with the follow-up beside it, the dashboard's
// calibration, the rules lab, and publishing from it with a roll-back.
// Every page is checked with axe-core.
func TestBrowserDesk(t *testing.T) {
	mustBrowser(t)
	for _, m := range []mode{desktopMode, mobileMode} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			s := mustStart(t, withTimeZone("Europe/Berlin"))
			s.mustOwner("greg@example.com")
			s.submitted(assessment.HireAPM, url.Values{"name": {"Grace Hopper"}, "email": {"grace@navy.example"}, "company": {"Compilers Inc"}, "consent": {"yes"}})
			s.submitted(assessment.BookACall, url.Values{})
			s.submitted(assessment.WorthAConversation, url.Values{"name": {"Bob Okafor"}, "email": {"bob@lattice.example"}, "company": {"Lattice Health"}, "consent": {"yes"}})
			s.submitted(assessment.DifferentConversation, url.Values{"name": {"Carmen Ruiz"}, "email": {"carmen@brightloop.example"}, "consent": {"yes"}})
			s.submitted(assessment.NarrowScope, url.Values{})
			s.submitted(assessment.BookACall, url.Values{"name": {"Ada Lovelace"}, "email": {"ada@analytical.example"}, "company": {"Analytical Engines"}, "role": {"CEO"}, "consent": {"yes"}})
			s.submitted(assessment.BookACall, url.Values{"name": {"Ada Lovelace"}, "email": {"ada@analytical.example"}, "company": {"Analytical Engines"}, "role": {"CEO"}, "consent": {"yes"}})
			tb := newTab(t, s, m)
			tb.shotPrefix = "desk-"
			tb.open("/admin/signin")
			tb.typeInto("email", "greg@example.com")
			tb.typeInto("password", ownerPassword)
			tb.follow(`[data-testid=sign-in]`)

			// The list: Ada first (consented, new, a clear fit), her two takes as one.
			if got := tb.text(`[data-testid=row] [data-testid=who]`); got != "Ada Lovelace, Analytical Engines" {
				t.Errorf("%s: first row = %q, want Ada (call first)", m.name, got)
			}
			if n := eval[int](tb, `document.querySelectorAll('[data-testid=row]').length`); n != 6 {
				t.Errorf("%s: %d rows, want 6 (Ada's two takes grouped)", m.name, n)
			}
			if m.mobile {
				cards := eval[bool](tb, `[...document.querySelectorAll('[data-testid=row]')].every(r => getComputedStyle(r).display === 'block' && r.getBoundingClientRect().right <= innerWidth)`)
				if !cards || tb.exists(`thead th:not([hidden])`) && eval[bool](tb, `document.querySelector('thead').getBoundingClientRect().height > 1`) {
					t.Errorf("%s: the list is not one card per founder", m.name)
				}
			}
			tb.checkPage("list")
			tb.follow(`[data-testid=row] [data-testid=set-contacted]`)
			if got := tb.text(`[data-testid=notice]`); got == "" || tb.path() != "/admin?done=status" {
				t.Errorf("%s: one-click status from the list lands on %s with notice %q", m.name, tb.path(), got)
			}

			// The brief, with status and notes beside it on a desk.
			tb.open("/admin/a/7")
			if !tb.exists(`[data-testid=brief] [data-testid=questions] li`) {
				t.Fatalf("%s: the brief has no questions", m.name)
			}
			// With scripts on, the copy and print buttons appear (share.js, from 'self').
			if eval[bool](tb, `document.querySelector('[data-testid=brief-copy]').hidden`) {
				t.Errorf("%s: the copy button stays hidden with scripts on", m.name)
			}
			if !m.mobile {
				beside := eval[bool](tb, `(() => { const b = document.querySelector('[data-testid=brief]').getBoundingClientRect(), s = document.querySelector('[data-testid=status-control]').getBoundingClientRect(); return s.left >= b.right && s.top < b.bottom; })()`)
				if !beside {
					t.Errorf("%s: the status is not beside the brief", m.name)
				}
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
			tb.checkPage("dashboard")

			tb.open("/admin/lab")
			tb.checkPage("lab")
			tb.follow(`[data-testid=lab-check]`) // the file in force, as it starts
			if got := tb.text(`[data-testid=rescore-summary]`); !strings.Contains(got, "0 of 7") {
				t.Errorf("%s: the file in force re-scores as %q, want 0 of 7 changing", m.name, got)
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
		})
	}
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
