package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web"
)

// inFirstScreen reports, for each selector, whether its element's box lies
// wholly inside the first viewport without scrolling.
func (tb *tab) inFirstScreen(selectors ...string) map[string]bool {
	tb.t.Helper()
	out := map[string]bool{}
	for _, sel := range selectors {
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false;
			const r = e.getBoundingClientRect(); return window.scrollY === 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; })()`, sel)
		out[sel] = eval[bool](tb, js)
	}
	return out
}

// TestBrowserLandingFirstScreen: on a 375×812 phone the landing page shows
// the promise, who is behind it (face, name, title) and the Start button
// without scrolling.
func TestBrowserLandingFirstScreen(t *testing.T) {
	mustBrowser(t)
	s := mustStart(t)
	for _, m := range []mode{mobileMode, {name: "desktop-800", width: 1280, height: 800}, {name: "mobile-dark", width: 375, height: 812, mobile: true, dark: true}} {
		tb := newTab(t, s, m)
		tb.open("/")
		for sel, ok := range tb.inFirstScreen("h1", ".hero .lead", "[data-testid=owner] .owner-id", "[data-testid=start]") {
			if !ok {
				t.Errorf("%s: %s is not on the first screen", m.name, sel)
			}
		}
		tb.checkPage("landing-first-screen")
	}
}

// TestBrowserShareRowCopies: with JavaScript, "Copy link" puts the share
// link on the clipboard and says so; the link field selects itself when
// focused. (Without JavaScript the buttons stay hidden: TestBrowserJourney.)
func TestBrowserShareRowCopies(t *testing.T) {
	mustBrowser(t)
	s := mustStart(t)
	tb := newTab(t, s, desktopMode)
	ctx, cancel := tb.step()
	defer cancel()
	bcID := chromedp.FromContext(tb.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted,
		Origin: s.srv.URL, BrowserContextID: bcID,
	}); err != nil {
		t.Fatalf("grant clipboard-read: %v", err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-write"}, Setting: browser.PermissionSettingGranted,
		Origin: s.srv.URL, BrowserContextID: bcID,
	}); err != nil {
		t.Fatalf("grant clipboard-write: %v", err)
	}
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	tb.open("/")
	tb.follow(`[data-testid=start]`)
	for i := range s.q.Steps {
		tb.answerStep(i, answers)
		tb.follow(`[data-testid=next]`)
	}
	tb.follow(`[data-testid=next]`)
	share := eval[string](tb, `document.querySelector('[data-testid=share-link]').value`)
	tb.do(chromedp.Click(chromedp.CSS(`.share-link [data-copy]`), chromedp.NodeVisible))
	if !tb.waitFor(`document.querySelector('.share-link [data-copy]').textContent === 'Copied'`) {
		t.Fatalf("after Copy link the button reads %q, want Copied", tb.text(`.share-link [data-copy]`))
	}
	read, cancelRead := tb.step()
	defer cancelRead()
	got, err := chromedp.Run(read, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("read the clipboard: %v", err)
	}
	if got != share {
		t.Errorf("clipboard = %q, want the share link %q", got, share)
	}
	tb.do(chromedp.Focus(chromedp.CSS(`#share-link`)))
	if sel := eval[string](tb, `(() => { const i = document.getElementById('share-link'); return i.value.substring(i.selectionStart, i.selectionEnd); })()`); sel != share {
		t.Errorf("focused share link selects %q, want the whole link", sel)
	}
}

// TestBrowserOwnerInFull: with everything the owner section can carry (a
// photo, a full name, credentials, links, two quotes and client names),
// the landing page still shows who is behind it on a phone's first screen,
// and the landing and a result pass the page checks at both sizes.
func TestBrowserOwnerInFull(t *testing.T) {
	mustBrowser(t)
	full := strings.Replace(string(assessment.DefaultContent), "owner:\n  # Your full name, as founders should know you.\n  name: Gregory\n", `owner:
  name: Gregory Sample
  credentials: Led product at three B2B SaaS companies, from seed to Series C
  quotes:
    - text: Two weeks in, our founders had agreed three decisions we had argued about for a year.
      name: Jane Doe
      role: CEO, Acme Robotics
    - text: He made himself unnecessary, which is exactly what we hired him for.
      name: Sam Roe
      role: CTO, Globex
  clients: [Acme Robotics, Globex, Initech, Umbrella Health]
`, 1)
	if full == string(assessment.DefaultContent) {
		t.Fatal("the default content's owner section moved: update this test's replacement")
	}
	s := mustStartAt(t, filepath.Join(t.TempDir(), "fitcheck.db"), []byte(full), withBooking(bookingURL), func(c *web.Config) { c.OwnerPhoto = samplePhoto(t) })
	for _, m := range []mode{mobileMode, {name: "desktop-800", width: 1280, height: 800}} {
		tb := newTab(t, s, m)
		tb.shotPrefix = "owner-full-"
		tb.open("/")
		for sel, ok := range tb.inFirstScreen("[data-testid=owner] .owner-id", "[data-testid=start]") {
			if !ok {
				t.Errorf("%s: %s is not on the first screen", m.name, sel)
			}
		}
		if n := eval[int](tb, `document.querySelectorAll('[data-testid=owner-quote]').length`); n != 2 {
			t.Errorf("%s: landing shows %d quotes, want 2", m.name, n)
		}
		tb.checkPage("landing")
		answers := exampleAnswers(t, s.q, assessment.BookACall)
		tb.follow(`[data-testid=start]`)
		for i := range s.q.Steps {
			tb.answerStep(i, answers)
			tb.follow(`[data-testid=next]`)
		}
		tb.follow(`[data-testid=skip]`)
		if !tb.exists(`[data-testid=verdict] [data-testid=owner-credentials]`) {
			t.Errorf("%s: the result's owner has no credentials line", m.name)
		}
		tb.checkPage("result")
	}
}

// samplePhoto is a small square PNG standing in for the owner's photo.
func samplePhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 96))
	for y := range 96 {
		for x := range 96 {
			img.Set(x, y, color.RGBA{R: uint8(40 + x), G: uint8(90 + y/2), B: 120, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
