package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"sessionplayer.studio/fitcheck/assessment"
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
	for _, m := range []mode{mobileMode, {name: "desktop-800", width: 1280, height: 800}} {
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
