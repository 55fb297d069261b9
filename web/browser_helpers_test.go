package web_test

// Helpers for the browser tests in browser_test.go: one headless Chromium
// per test binary, a tab per journey in its own browser context (its own
// cookies, like a fresh private window), and the checks every page gets —
// axe-core, no sideways scrolling, a screenshot.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The environment the browser tests read.
const (
	// envChromium names the browser binary; by default /usr/bin/chromium,
	// then chromium, chromium-browser or google-chrome on $PATH.
	envChromium = "FITCHECK_CHROMIUM"
	// envRequireBrowser set to 1 turns "no Chromium" or "no axe-core" from a
	// skip into a failure. CI sets it.
	envRequireBrowser = "FITCHECK_REQUIRE_BROWSER"
	// envAxe is the path of axe.min.js from the axe-core npm package.
	envAxe = "FITCHECK_AXE"
	// envScreenshots is a folder for full-page screenshots of every page.
	envScreenshots = "FITCHECK_SCREENSHOTS"
)

// axeTags are the rule sets a page must pass: WCAG 2.0, 2.1 and 2.2, A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// stepTimeout bounds one browser step: a navigation, a click and the page
// it loads, one script, one axe-core run. A journey has no limit of its own:
// on a loaded machine (a load average of 20 on two cores) a step can take
// many times its usual fraction of a second, and a long journey many
// minutes, so only a step that hangs fails, and it fails the test with
// where it hung, not the whole binary.
const stepTimeout = 3 * time.Minute

// settleTimeout bounds the wait for what a page does by itself after a
// step: focus moving to an error summary, the skip link sliding in,
// "Copied" appearing. Generous for the same reason; a condition that
// holds is seen at once, so only a failing test waits this long.
const settleTimeout = 30 * time.Second

// shared is the one browser of this test binary, started on first use.
var shared struct {
	once    sync.Once
	ctx     context.Context // a chromedp context that owns the browser
	cancel  context.CancelFunc
	path    string // the browser binary
	err     error  // why it could not start
	axe     string // axe-core's source, "" when it was not found
	axeNote string // why axe-core is missing
}

func requireBrowser() bool { return os.Getenv(envRequireBrowser) == "1" }

// findChromium returns the browser binary to use, or "".
func findChromium() string {
	if p := os.Getenv(envChromium); p != "" {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
		return ""
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if found, err := exec.LookPath(name); err == nil {
			return found
		}
	}
	return ""
}

func startBrowser() {
	shared.path = findChromium()
	if p := os.Getenv(envChromium); p != "" && shared.path == "" {
		shared.err = fmt.Errorf("$%s is %q, which is not a program", envChromium, p)
		return
	}
	if shared.path == "" {
		shared.err = errors.New("no Chromium found (looked for $" + envChromium + ", /usr/bin/chromium, and chromium, chromium-browser, google-chrome on $PATH)")
		return
	}
	if p := os.Getenv(envAxe); p != "" {
		if b, err := os.ReadFile(p); err != nil {
			shared.axeNote = fmt.Sprintf("$%s: %v", envAxe, err)
		} else {
			shared.axe = string(b)
		}
	} else {
		shared.axeNote = "$" + envAxe + " is not set (point it at axe-core's axe.min.js; .ci/run installs it)"
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(shared.path),
		chromedp.DisableGPU,
		// There is no outside network here: nothing may phone home.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 900),
		// The embedded journey's https run serves test certificates.
		chromedp.Flag("ignore-certificate-errors", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to sandbox as root
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	shared.ctx = ctx
	shared.cancel = func() { cancelCtx(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		shared.err = fmt.Errorf("start %s: %w", shared.path, err)
		shared.cancel()
	}
}

func stopBrowser() {
	if shared.cancel != nil {
		shared.cancel()
	}
}

// mustBrowser returns the shared browser, or skips the test when there is
// none (fails it under FITCHECK_REQUIRE_BROWSER=1).
func mustBrowser(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(startBrowser)
	if shared.err != nil {
		if requireBrowser() {
			t.Fatalf("browser tests: %v", shared.err)
		}
		t.Skipf("browser tests skipped: %v. Install Chromium (apt-get install chromium) to run them; %s=1 makes this a failure.", shared.err, envRequireBrowser)
	}
	if shared.axe == "" && requireBrowser() {
		t.Fatalf("browser tests: axe-core is required: %s", shared.axeNote)
	}
	return shared.ctx
}

// mode is one way a person uses the site.
type mode struct {
	name          string
	width, height int64
	mobile        bool // a phone: touch, mobile viewport, taps
	noJS          bool // JavaScript switched off
	keyboard      bool // keyboard only: Tab, Space, arrows, Enter
	dark          bool // the system asks for dark colours
}

var (
	desktopMode = mode{name: "desktop", width: 1280, height: 900}
	mobileMode  = mode{name: "mobile", width: 375, height: 812, mobile: true}
	noJSMode    = mode{name: "nojs", width: 1280, height: 900, noJS: true}
	// The keyboard journey runs in dark mode, so the dark palette and its
	// focus rings are checked too.
	keyboardMode = mode{name: "keyboard", width: 1280, height: 900, keyboard: true, dark: true}
)

// tab is one browser tab in its own browser context, driving one site.
type tab struct {
	t     *testing.T
	ctx   context.Context
	site  *site
	mode  mode
	pages int // pages checked so far; numbers the screenshots

	// shots is the screenshot folder, "" for none. Screenshots go to
	// shots/<desktop|mobile>[-dark]/NN-name.png, or …/<shotPrefix>name.png.
	shots      string
	shotPrefix string

	axeSkipNoted bool // the test log already says why axe-core did not run

	// host is the tab holding this one when it is a frame inside it
	// (browser_embed_test.go); nil for a tab of its own.
	host *tab
}

// newTab opens a tab with fresh cookies on the shared browser.
func newTab(t *testing.T, s *site, m mode) *tab {
	t.Helper()
	root := mustBrowser(t)
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, site: s, mode: m}
	// Screenshots show the pages at desktop and phone sizes, and in dark
	// mode; with JavaScript off they look the same.
	if dir := os.Getenv(envScreenshots); dir != "" && !m.noJS {
		tb.shots = dir
	}
	// Headless tabs side by side are not "focused"; without this,
	// autofocus and :focus-visible behave as in a background window.
	tb.do(call(emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}))
	tb.resize(m)
	tb.do(tb.media(""))
	if m.noJS {
		tb.do(scriptsDisabled(true))
	}
	return tb
}

// media emulates a CSS media type ("print", or "" for the screen) with the
// mode's colour scheme.
func (tb *tab) media(typ string) chromedp.Action[chromedp.Void] {
	scheme := "light"
	if tb.mode.dark {
		scheme = "dark"
	}
	return call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Media: typ, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
}

// resize sets the viewport of a mode: a phone with touch, or a desktop
// window. Later clicks become taps on a phone.
func (tb *tab) resize(m mode) {
	tb.t.Helper()
	if m.mobile {
		tb.do(chromedp.EmulateViewport(m.width, m.height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	} else {
		tb.do(chromedp.EmulateViewport(m.width, m.height))
	}
	tb.mode.width, tb.mode.height, tb.mode.mobile = m.width, m.height, m.mobile
}

// call wraps one protocol command as an action.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

func scriptsDisabled(off bool) chromedp.Action[chromedp.Void] {
	return call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
}

// step is the context of one browser step, with its own deadline.
func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, stepTimeout)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v (at %s)", tb.mode.name, err, tb.where())
	}
}

// where is the current address, for messages.
func (tb *tab) where() string {
	ctx, cancel := tb.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(loc, tb.site.srv.URL)
}

// eval runs JavaScript in the page and decodes its value. It works with
// scripts disabled too: DevTools evaluation is not page script.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.t.Fatalf("%s: evaluate %.60q: %v (at %s)", tb.mode.name, js, err, tb.where())
	}
	return v
}

// open navigates to a path of the site and waits for the page to load.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.site.srv.URL + path))
}

// openURL navigates to an absolute address.
func (tb *tab) openURL(u string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(u))
}

// path is the current path and query.
func (tb *tab) path() string {
	tb.t.Helper()
	u, err := url.Parse(eval[string](tb, `location.href`))
	if err != nil {
		tb.t.Fatal(err)
	}
	return u.RequestURI()
}

// loads runs an action that navigates (a click, a key) and waits for the
// next page to load.
func (tb *tab) loads(trigger chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, trigger)); err != nil {
		tb.t.Fatalf("%s: waiting for the next page: %v (at %s)", tb.mode.name, err, tb.where())
	}
}

// press is how this tab's person activates the element sel: a mouse click,
// a tap on a phone, or Tab until it has focus and then the key.
func (tb *tab) press(sel, key string) chromedp.Action[chromedp.Void] {
	switch {
	case tb.mode.keyboard:
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			tb.tabTo(sel)
			_, err := chromedp.KeyEvent(key)(ctx, t)
			return err
		})
	case tb.mode.mobile:
		return chromedp.Tap(chromedp.CSS(sel), chromedp.NodeVisible)
	default:
		return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
	}
}

// follow activates a link or a submit button and waits for the next page.
func (tb *tab) follow(sel string) {
	tb.t.Helper()
	tb.loads(tb.press(sel, kb.Enter))
}

// choose ticks a radio button or checkbox by its id, as this tab's person
// would: clicking or tapping its card, or with the keyboard. Keyboard
// choices must be made in page order, since focus only moves forward.
func (tb *tab) choose(id string) {
	tb.t.Helper()
	sel := "#" + cssEscape(id)
	if !tb.mode.keyboard {
		tb.do(tb.press(`label[for="`+id+`"]`, ""))
		// Inside a frame on another site the click is placed from where the
		// label was measured; a frame still settling its height or the host
		// page's scroll can move it away under the pointer, as it would under
		// a person's finger. Like a person, try once more once it is still.
		ticked := fmt.Sprintf(`document.querySelector(%q).checked`, sel)
		if tb.host != nil && !tb.waitFor(ticked) {
			tb.do(tb.press(`label[for="`+id+`"]`, ""))
		}
	} else {
		kind := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).type`, sel))
		if kind == "radio" {
			name := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).name`, sel))
			// Tab enters a radio group once; the arrow keys move within it.
			tb.tabTo(fmt.Sprintf(`input[type=radio][name=%q]`, name))
			for range 12 {
				if eval[bool](tb, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
					break
				}
				tb.key(kb.ArrowDown)
				tb.assertFocusVisible()
			}
		} else {
			tb.tabTo(sel)
		}
		if !eval[bool](tb, fmt.Sprintf(`document.querySelector(%q).checked`, sel)) {
			tb.key(" ")
		}
	}
	if !eval[bool](tb, fmt.Sprintf(`document.querySelector(%q).checked`, sel)) {
		tb.t.Fatalf("%s: %s is not ticked after choosing it (at %s)", tb.mode.name, id, tb.where())
	}
}

// typeInto types text into a field.
func (tb *tab) typeInto(id, text string) {
	tb.t.Helper()
	sel := "#" + cssEscape(id)
	if tb.mode.keyboard {
		tb.tabTo(sel)
		tb.key(text)
	} else {
		tb.do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
	}
	if got := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).value`, sel)); !strings.HasSuffix(got, text) {
		tb.t.Fatalf("%s: %s holds %q after typing %q", tb.mode.name, id, got, text)
	}
}

func (tb *tab) key(keys string) {
	tb.t.Helper()
	tb.do(chromedp.KeyEvent(keys))
}

var cssIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// cssEscape makes an id usable after # in a selector.
func cssEscape(id string) string {
	if cssIdent.MatchString(id) {
		return id
	}
	var b strings.Builder
	for _, r := range id {
		if r >= '0' && r <= '9' && b.Len() == 0 {
			fmt.Fprintf(&b, `\3%c `, r)
			continue
		}
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tabTo presses Tab until the focused element matches sel, checking at
// every stop that focus can be seen.
func (tb *tab) tabTo(sel string) {
	tb.t.Helper()
	var stops []string
	for range 120 {
		tb.key(kb.Tab)
		f := tb.assertFocusVisible()
		if eval[bool](tb, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
			return
		}
		stops = append(stops, f.Desc)
	}
	tb.t.Fatalf("%s: Tab never reached %s on %s; focus went through: %s", tb.mode.name, sel, tb.where(), strings.Join(stops, " → "))
}

type focusState struct {
	Desc    string `json:"desc"`
	Visible bool   `json:"visible"`
	InView  bool   `json:"inView"`
	Left    bool   `json:"left"`
}

// focusJS describes the focused element and whether its focus indicator
// can be seen: an outline of 2px or more on it or on its label (answer
// cards draw the ring on the label), or a box shadow on it; and whether it
// is on screen. left is true when focus has left the page for the
// browser's own controls, as Tab does after the last element.
const focusJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {desc: 'the browser', visible: false, inView: false, left: true};
  const ring = e => { const s = getComputedStyle(e); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
  const visible = ring(el) || getComputedStyle(el).boxShadow !== 'none' || [...(el.labels || [])].some(ring);
  const r = (el.labels && el.labels[0] && getComputedStyle(el).opacity === '0' ? el.labels[0] : el).getBoundingClientRect();
  const inView = r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth && r.width > 0 && r.height > 0;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return {desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (text ? ' "' + text + '"' : ''), visible, inView, left: false};
})()`

// assertFocusVisible fails when the focused element shows no focus
// indicator or is off screen. It allows the indicator time to appear
// (settleTimeout), since the skip link slides in.
func (tb *tab) assertFocusVisible() focusState {
	tb.t.Helper()
	var f focusState
	settled := func() bool {
		f = eval[focusState](tb, focusJS)
		return f.Left || f.Visible && f.InView
	}
	if poll(settled) {
		return f
	}
	tb.t.Errorf("%s: focus on %s at %s has no visible focus indicator (indicator drawn=%v, on screen=%v)", tb.mode.name, f.Desc, tb.where(), f.Visible, f.InView)
	return f
}

// waitFor polls a JavaScript condition the page should soon make true,
// for up to settleTimeout. It polls from Go, so it works with page scripts
// off.
func (tb *tab) waitFor(js string) bool {
	tb.t.Helper()
	return poll(func() bool { return eval[bool](tb, js) })
}

// poll checks cond every 50 ms until it holds (true) or settleTimeout
// passes (false).
func poll(cond func() bool) bool {
	deadline := time.Now().Add(settleTimeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the visible text of the first element matching sel, "" if none.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ''}).innerText.trim().replace(/\s+/g, ' ')`, sel))
}

func (tb *tab) exists(sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, fmt.Sprintf(`!!document.querySelector(%q)`, sel))
}

// ticked lists the values of the ticked inputs named name.
func (tb *tab) ticked(name string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll('input[name=%q]:checked')].map(e => e.value)`, name))
}

// checkPage runs the checks every page gets: no sideways scrolling, no
// axe-core violations, and a screenshot when FITCHECK_SCREENSHOTS is set.
func (tb *tab) checkPage(name string) {
	tb.t.Helper()
	tb.pages++
	tb.assertNoSidewaysScroll(name)
	tb.assertAxe(name)
	tb.screenshot(name)
}

// assertNoSidewaysScroll fails when the page is wider than the viewport.
func (tb *tab) assertNoSidewaysScroll(name string) {
	tb.t.Helper()
	if width, limit := tb.pageWidth(); width > limit {
		wide := eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d.5).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))`, limit))
		tb.t.Errorf("%s: page %q scrolls sideways: %d px wide for a %d px screen; too wide: %v", tb.mode.name, name, width, limit, wide)
	}
}

// pageWidth is the scrollable width of the page and the width it must fit:
// the window's, or on a phone the device's 375 px, since a mobile browser
// zooms out to show a page that is too wide.
func (tb *tab) pageWidth() (width, limit int) {
	tb.t.Helper()
	w := eval[[]int](tb, `[document.documentElement.scrollWidth, innerWidth]`)
	width, limit = w[0], w[1]
	if tb.mode.mobile {
		limit = int(tb.mode.width)
	}
	return width, limit
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  json.RawMessage `json:"target"`
		Summary string          `json:"summary"`
	} `json:"nodes"`
}

// assertAxe runs axe-core on the page and fails on any WCAG 2.2 A/AA
// violation, naming the rule, its impact and the failing elements.
func (tb *tab) assertAxe(name string) {
	tb.t.Helper()
	if shared.axe == "" {
		if !tb.axeSkipNoted {
			tb.t.Logf("axe-core checks skipped: %s", shared.axeNote)
			tb.axeSkipNoted = true
		}
		return
	}
	for _, v := range tb.axeViolations() {
		var b strings.Builder
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n      %s: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
		tb.t.Errorf("%s: axe-core on page %q (%s): %s [%s] %s%s", tb.mode.name, name, tb.where(), v.ID, v.Impact, v.Help, b.String())
	}
}

// axeViolations injects axe-core into the page and runs the WCAG rules.
func (tb *tab) axeViolations() []axeViolation {
	tb.t.Helper()
	if tb.mode.noJS {
		// axe-core is script: let it run for the check, then switch page
		// scripts off again. The page itself has none to run.
		tb.do(scriptsDisabled(false))
		defer tb.do(scriptsDisabled(true))
	}
	if !eval[bool](tb, `typeof axe === 'object'`) {
		eval[chromedp.Void](tb, shared.axe)
	}
	tags, _ := json.Marshal(axeTags)
	js := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
	  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
	    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))})))`
	ctx, cancel := tb.step()
	defer cancel()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: axe-core on %s: %v", tb.mode.name, tb.where(), err)
	}
	return vs
}

// screenshot saves the whole page under FITCHECK_SCREENSHOTS.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if tb.shots == "" {
		return
	}
	ctx, cancel := tb.step()
	defer cancel()
	png, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
		Format: cdppage.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true),
		OptimizeForSpeed: new(true), // a faster PNG encoder; the suite takes dozens
	})
	if err != nil {
		tb.t.Fatalf("%s: screenshot of %q: %v", tb.mode.name, name, err)
	}
	size := "desktop"
	if tb.mode.mobile {
		size = "mobile"
	}
	if tb.mode.dark {
		size += "-dark"
	}
	dir := filepath.Join(tb.shots, size)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	file := fmt.Sprintf("%02d-%s.png", tb.pages, name)
	if tb.shotPrefix != "" {
		file = tb.shotPrefix + name + ".png"
	}
	if err := os.WriteFile(filepath.Join(dir, file), png.Data, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// download runs an action that starts a download and returns the file.
func (tb *tab) download(trigger chromedp.Action[chromedp.Void]) []byte {
	tb.t.Helper()
	dir := tb.t.TempDir()
	ctx, cancel := tb.step()
	defer cancel()
	bcID := chromedp.FromContext(tb.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: bcID,
		DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		tb.t.Fatalf("allow downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	tb.do(trigger)
	for ev, err := range progress {
		if err != nil {
			tb.t.Fatalf("%s: waiting for a download: %v", tb.mode.name, err)
		}
		// Other tabs may download at the same time; ours lands in dir.
		file := filepath.Join(dir, ev.GUID)
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			if b, err := os.ReadFile(file); err == nil {
				return b
			}
		case browser.DownloadProgressStateCanceled:
			if _, err := os.Stat(file); err == nil {
				tb.t.Fatalf("%s: download canceled", tb.mode.name)
			}
		}
	}
	return nil
}
