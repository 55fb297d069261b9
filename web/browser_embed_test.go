package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestBrowserEmbedded is a founder taking the assessment inside a frame on
// the consultant's own site, in Chromium with third-party cookies blocked:
// a page on one loopback site (localhost) holds the embed snippet, fitcheck
// is served from another (127.0.0.1), and the founder walks from the
// frame's first page to their result, then opens it full-page. Every page
// inside the frame is checked with axe-core, and the frame fits each page.
//
// Twice: over plain http, where fitcheck sets no cookie in the frame and
// the draft travels only in the forms' sealed reference; and over https,
// where it also keeps a partitioned cookie, which the browser keeps with
// third-party cookies blocked and which brings the founder back to their
// result when they return to the consultant's page.
//
// Beside the frame, the host page frames a canary from fitcheck's site
// that sets an ordinary (unpartitioned) SameSite=None cookie: the test
// fails unless the browser refused it, so it proves third-party cookies
// were blocked.
func TestBrowserEmbedded(t *testing.T) {
	mustBrowser(t)
	for _, tt := range []struct {
		name   string
		secure bool
		m      mode
	}{
		{"http, no cookie", false, desktopMode},
		{"https, partitioned cookie", true, desktopMode},
		// Without JavaScript on the consultant's page and in the frame: the
		// snippet's <noscript> frame, at the height it gives.
		{"http, no cookie, no JavaScript", false, noJSMode},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			embeddedJourney(t, tt.secure, tt.m)
		})
	}
}

// loopback starts h on host ("localhost" or "127.0.0.1"), over TLS when
// secure, and returns its origin.
func loopback(t *testing.T, host string, secure bool, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	scheme := "http"
	if secure {
		srv.StartTLS()
		scheme = "https"
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, fmt.Sprintf("%s://%s:%d", scheme, host, ln.Addr().(*net.TCPAddr).Port)
}

func embeddedJourney(t *testing.T, secure bool, m mode) {
	// The consultant's site: its origin must be known before fitcheck starts.
	var page string
	_, hostOrigin := loopback(t, "localhost", secure, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	s := mustStart(t, withEmbedOrigins(hostOrigin))
	snippet := s.embedSnippet(t)
	fitcheck := s.srv.URL
	if secure {
		tlsSrv, _ := loopback(t, "127.0.0.1", true, s.server.Handler())
		snippet = strings.ReplaceAll(snippet, s.srv.URL, tlsSrv.URL)
		s.srv = tlsSrv
		fitcheck = tlsSrv.URL
	}
	_, canary := loopback(t, "127.0.0.1", secure, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "canary=1; Path=/; SameSite=None; Secure")
		fmt.Fprint(w, "<!doctype html><title>canary</title>")
	}))
	// A third site's page links to the consultant's, so the founder arrives
	// there with a referrer. It is not fitcheck's site: Chromium lets a site
	// a person came from by a link use its cookies on the page they went to
	// (its third-party cookie heuristics), which would let the canary through.
	_, elsewhere := loopback(t, "127.0.0.2", secure, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>elsewhere</title><a id="to-host" href="%s/?utm_source=consultant-site">Take it</a>`, hostOrigin)
	}))
	// The consultant's page, with the snippet the review area's Embed page gives.
	page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gregory — fractional product leadership</title></head><body><main><h1>Is it the right fit?</h1>
<p>Take three minutes to find out.</p>
` + snippet + `
<iframe src="` + canary + `/" title="canary" width="1" height="1"></iframe></main></body></html>`

	tb := newTab(t, s, m)
	tb.shotPrefix = "embed-"
	tb.do(call(network.SetCookieControls, network.SetCookieControlsParams{EnableThirdPartyCookieRestriction: true}))
	tb.openURL(elsewhere + "/")
	tb.loads(chromedp.Click(chromedp.CSS("#to-host")))

	ft := tb.frame(fitcheck)
	if m.noJS {
		ft.do(scriptsDisabled(true))
		if eval[bool](tb, `!!document.querySelector('iframe[data-fitcheck-frame]')`) {
			t.Fatal("with JavaScript off, embed.js ran on the consultant's page")
		}
	}
	if !ft.exists(`[data-testid=frame-start]`) {
		t.Fatalf("the frame does not open on the embedded journey's first page: %s", ft.where())
	}
	ft.checkFramed("frame-start")
	// With JavaScript, the frame is sized to each page as it loads; it must
	// fit before the founder clicks, as a person sees it settle first (a
	// click while it grows lands where the page was scrolled a moment ago).
	fits := func(ft *tab) {
		if !m.noJS {
			tb.assertFrameFits(ft)
		}
	}
	fits(ft)

	answers := exampleAnswers(t, s.q, assessment.BookACall)
	ft.follow(`[data-testid=start]`)
	for i := range s.q.Steps {
		ft.assertFramedStep(i + 1)
		fits(ft)
		ft.answerStep(i, answers)
		ft.checkFramed(fmt.Sprintf("frame-step-%d", i+1))
		ft.follow(`[data-testid=next]`)
	}
	ft.checkFramed("frame-contact")
	fits(ft)
	ft.follow(`[data-testid=next]`)
	if !ft.exists(`[data-testid=result]`) || ft.exists(`[data-testid=shared-frame]`) {
		t.Fatalf("the submit in the frame does not show the founder's own result (at %s)", ft.where())
	}
	ft.checkFramed("frame-result")
	fits(ft)
	token := strings.TrimPrefix(ft.path(), "/r/")
	a, err := s.store.FindAssessment(t.Context(), token)
	if err != nil {
		t.Fatalf("the stored result %q: %v", token, err)
	}
	// embed.js carries the page's utm_* and the host that referred the
	// founder to it; the plain frame knows only the host of the page holding it.
	want := assessment.Attribution{UTMSource: "consultant-site", ReferrerHost: "127.0.0.2"}
	if m.noJS {
		want = assessment.Attribution{ReferrerHost: "localhost"}
	}
	if a.Source != want {
		t.Errorf("the stored result came from %+v, want %+v", a.Source, want)
	}

	cookies := tb.cookies()
	for _, c := range cookies {
		if c.Name == "canary" {
			t.Fatalf("the canary's third-party cookie was kept: third-party cookies are not blocked, so this test proves nothing")
		}
	}
	frameCookie := findCookie(cookies, "__Host-fitcheck-frame")
	if !secure && len(cookies) > 0 {
		t.Errorf("over http fitcheck's frame kept cookies %v, want none: the journey must run on the forms' reference alone", cookieNames(cookies))
	}
	if secure {
		if frameCookie == nil || frameCookie.PartitionKey == nil || !strings.HasPrefix(frameCookie.PartitionKey.TopLevelSite, "https://localhost") {
			t.Fatalf("over https the frame kept %v, want __Host-fitcheck-frame partitioned under the consultant's site", cookieNames(cookies))
		}
		// Back on the consultant's page later: the partitioned cookie finds the result.
		tb.openURL(hostOrigin + "/")
		back := tb.frame(fitcheck)
		fits(back)
		if !back.exists(`[data-testid=see-result]`) {
			t.Errorf("back on the consultant's page, the frame does not offer the founder's result")
		} else {
			back.follow(`[data-testid=see-result]`)
			fits(back)
			if back.path() != "/r/"+token || back.exists(`[data-testid=shared-frame]`) {
				t.Errorf("'See your result' in the frame shows %s, want the founder's own /r/%s", back.path(), token)
			}
			ft = back
		}
	}

	// Full-page, in a tab of its own, where the result is the founder's too.
	full := tb.opensTab(ft, `[data-testid=full-page]`, "/r/"+token)
	if !full.exists(`[data-testid=delete-own]`) || full.exists(`[data-testid=shared-frame]`) {
		t.Errorf("the full page is not the founder's own result (at %s)", full.where())
	}
	full.checkPage("full-page")
}

// assertFramedStep checks that the frame shows step n. Inside the frame a
// page is the answer to the form that asked for it, so its address is the
// form's, not the step's: the page says which step it is.
func (tb *tab) assertFramedStep(n int) {
	tb.t.Helper()
	if got, want := tb.text(`#progress-label`), fmt.Sprintf("Step %d of %d", n, len(tb.site.q.Steps)); got != want {
		tb.t.Fatalf("%s: the frame shows %q, want %q (at %s)", tb.mode.name, got, want, tb.where())
	}
}

// embedSnippet is the snippet the review area's Embed page gives the owner.
func (s *site) embedSnippet(t *testing.T) string {
	t.Helper()
	s.mustOwner("greg@example.com")
	c := s.newVisitor()
	c.signIn("greg@example.com", ownerPassword)
	p := c.get("/admin/embed")
	snippet := byTestID(p.doc, "snippet")
	if snippet == nil {
		t.Fatalf("the Embed page has no snippet:\n%s", p.body)
	}
	return textOf(snippet)
}

// frame attaches to the cross-site frame showing base's pages: Chromium
// runs it in a process of its own, as a target of its own.
func (tb *tab) frame(base string) *tab {
	tb.t.Helper()
	var id target.ID
	found := poll(func() bool {
		ctx, cancel := tb.step()
		defer cancel()
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return false
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.HasPrefix(info.URL, base+"/") && !strings.Contains(info.URL, "canary") {
				id = info.TargetID
			}
		}
		return id != ""
	})
	if !found {
		tb.t.Fatalf("no frame of %s on the page", base)
	}
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
	tb.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		tb.t.Fatalf("attach to the frame: %v", err)
	}
	// A frame cannot be photographed on its own: checkFramed photographs the page around it.
	ft := &tab{t: tb.t, ctx: ctx, site: tb.site, mode: tb.mode, host: tb}
	ft.waitFor(`document.readyState === 'complete'`)
	return ft
}

// checkFramed is checkPage for a page inside the frame: axe-core and the
// width run in the frame; the screenshot is of the consultant's page
// around it, as the founder sees it.
func (tb *tab) checkFramed(name string) {
	tb.t.Helper()
	tb.pages++
	tb.assertNoSidewaysScroll(name)
	tb.assertAxe(name)
	tb.host.screenshot(name)
}

// assertFrameFits checks that the consultant's page sized the frame to the
// page inside it (embed.js, told by frame.js).
func (tb *tab) assertFrameFits(ft *tab) {
	tb.t.Helper()
	inner := eval[int](ft, `Math.ceil(document.documentElement.scrollHeight)`)
	fits := tb.waitFor(fmt.Sprintf(`Math.abs(document.querySelector('iframe[data-fitcheck-frame]').getBoundingClientRect().height - %d) <= 2`, inner))
	if !fits {
		got := eval[float64](tb, `document.querySelector('iframe[data-fitcheck-frame]').getBoundingClientRect().height`)
		tb.t.Errorf("the frame is %.0f px tall for a page of %d px: it does not fit its page", got, inner)
	}
}

// cookies are every cookie the tab's browser context holds.
func (tb *tab) cookies() []*network.Cookie {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID})
	if err != nil {
		tb.t.Fatalf("read cookies: %v", err)
	}
	return res.Cookies
}

func findCookie(cookies []*network.Cookie, name string) *network.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func cookieNames(cookies []*network.Cookie) []string {
	var out []string
	for _, c := range cookies {
		out = append(out, c.Name+"@"+c.Domain)
	}
	return out
}

// opensTab presses sel in from, which opens a new tab, and returns that
// tab once it shows path.
func (tb *tab) opensTab(from *tab, sel, path string) *tab {
	tb.t.Helper()
	from.do(from.press(sel, "\r"))
	var id target.ID
	found := poll(func() bool {
		ctx, cancel := tb.step()
		defer cancel()
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return false
		}
		for _, info := range infos {
			if info.Type == "page" && strings.HasSuffix(info.URL, path) {
				id = info.TargetID
			}
		}
		return id != ""
	})
	if !found {
		tb.t.Fatalf("no new tab showing %s", path)
	}
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
	tb.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		tb.t.Fatalf("attach to the new tab: %v", err)
	}
	nt := &tab{t: tb.t, ctx: ctx, site: tb.site, mode: tb.mode, shots: tb.shots, shotPrefix: tb.shotPrefix + "tab-"}
	nt.waitFor(`document.readyState === 'complete'`)
	return nt
}
