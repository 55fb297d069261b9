package web_test

import (
	"fmt"
	"testing"
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
// the promise, who is behind it and the Start button without scrolling.
func TestBrowserLandingFirstScreen(t *testing.T) {
	mustBrowser(t)
	s := mustStart(t)
	for _, m := range []mode{mobileMode, {name: "desktop-800", width: 1280, height: 800}} {
		tb := newTab(t, s, m)
		tb.open("/")
		for sel, ok := range tb.inFirstScreen("h1", ".hero .lead", "[data-testid=owner]", "[data-testid=start]") {
			if !ok {
				t.Errorf("%s: %s is not on the first screen", m.name, sel)
			}
		}
		tb.checkPage("landing-first-screen")
	}
}
