package web

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/web/admin/insight"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
	"sessionplayer.studio/fitcheck/web/result"
)

// maxFormBytes bounds a posted form. The largest legitimate step (a few
// choices and one short text) is well under this.
const maxFormBytes = 64 << 10

// contentSecurityPolicy allows nothing but our own files: the stylesheets
// and the result page's one small script (copy and print buttons); no
// inline script or style may run. connect-src 'self' lets tools that read
// /robots.txt from inside the page (Lighthouse's SEO audit) do so.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// csp is the site's Content-Security-Policy: contentSecurityPolicy, and
// with -booking-inline the one booking host a result may frame (frame-src;
// default-src 'none' frames nothing else). It is the review area's as it
// stands: nothing may frame the review area, whatever the embedding allows.
func (s *Server) csp() string {
	if !s.cfg.BookingInline {
		return contentSecurityPolicy
	}
	if src := booking.FrameSource(s.cfg.BookingURL); src != "" {
		return contentSecurityPolicy + "; frame-src " + src
	}
	return contentSecurityPolicy
}

// sitePolicy is the Content-Security-Policy of everything but the review
// area: csp, with -embed-origins as the only pages that may frame it
// (frame-ancestors). httpx.SecurityHeaders keeps X-Frame-Options in step.
func (s *Server) sitePolicy() string {
	if len(s.cfg.EmbedOrigins) == 0 {
		return s.csp()
	}
	return strings.Replace(s.csp(), "frame-ancestors 'none'", "frame-ancestors "+strings.Join(s.cfg.EmbedOrigins, " "), 1)
}

// Handler is the whole surface of the site, listed in one place: every
// route and the handler that answers it. Each flow's handlers are in its
// package: steps in web/answer, results in web/result, review in web/admin (account, desk, insight).
func (s *Server) Handler() http.Handler {
	serve, steps, results, hooks, framed := s.pages.Serve, s.answers, s.results, s.results.BookingHooks(), result.NewFramed(s.results)
	r := chi.NewRouter()
	var observe func(string, string, int, time.Duration)
	if s.cfg.Metrics != nil {
		observe = s.cfg.Metrics.Request
	}
	r.Use(httpx.LogRequests(s.log, observe, "/healthz", "/readyz"))
	r.Use(httpx.Recover(s.pages.Error))
	r.Use(httpx.SecurityHeaders(s.sitePolicy(), s.isTLS))
	r.Use(limitBody)
	r.Use(httpx.Compress("text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml"))
	r.Use(s.crossOriginProtection)
	r.Use(middleware.GetHead) // HEAD is answered by the GET handler, as monitors and link checkers expect

	r.Get("/healthz", serve(s.health))
	r.Get("/readyz", serve(s.ready))
	r.Get("/robots.txt", serveRobots)
	r.Get("/static/{file}", page.Assets.Handler(s.notFound))
	r.Get("/avatar/{file}", s.avatar.Handler(s.notFound))

	r.Get("/", serve(s.landing))
	r.Get("/card.png", serve(s.landingCard))
	r.Get("/sample.png", serve(s.sampleCard))
	r.Get(page.EmbedPath, serve(steps.ShowFrameStart)) // the frame on the owner's site opens here
	r.Get("/embed.js", serveEmbedScript)
	// The client's address is resolved only on the routes that read it (the
	// post limit, the draft cap per network, the card limit, the review
	// area's audit): every other request is spared its parse and a copy of
	// the request. Elsewhere httpx.ClientAddr reads the connection's address.
	clientAddress := httpx.ClientAddress(s.cfg.TrustedProxies, s.warnUntrustedProxy)
	r.Group(func(r chi.Router) {
		r.Use(clientAddress)
		r.Use(httpx.LimitPosts(cmp.Or(s.cfg.PublicPostsPerMinute, 120), s.tooManyPosts))
		r.Post("/start", serve(steps.Start))
		r.Post("/step/{n}", serve(steps.SaveStep)) // the contact step's post submits
		r.Post("/r/{token}/delete", serve(results.DeleteOwn))
		r.Post("/r/{token}/message", serve(results.SendMessage))
		r.Post("/r/{token}/email-link", serve(results.SendLink))
		r.Post("/r/{token}/retake", serve(results.Retake))
		r.Post("/r/{token}", serve(framed.Show))                   // the submit's 307 inside the frame
		r.Post("/r/{token}/full-page", serve(framed.OpenFullPage)) // from the frame, into a tab of its own
	})
	r.Get("/step/{n}", serve(steps.ShowStep))
	r.Get("/r/{token}", serve(results.Show)) // and /r/{token}.json
	r.With(clientAddress).Get("/r/{token}/card.png", serve(results.Card))
	r.Get("/r/{token}/book", serve(results.Book))
	r.Get("/r/{token}/checklist", serve(results.Checklist))
	r.Route("/hooks", func(r chi.Router) { // server to server: signed, and exempt from the cross-origin check
		r.Post("/cal", hooks.CalHook)
		r.Post("/calendly", hooks.CalendlyHook)
	})

	// The review area, by job: the owner's account (web/admin/account), the
	// desk (web/admin/desk) and insight (web/admin/insight).
	r.Route("/admin", func(r chi.Router) {
		r.Use(middleware.GetHead)                      // the mount matches HEAD before the top-level GetHead can turn it into GET
		r.Use(httpx.SecurityHeaders(s.csp(), s.isTLS)) // never framed, whatever -embed-origins says
		r.Use(clientAddress)                           // sign-in limits and the audit log name the client
		r.Get("/setup", serve(s.account.ShowSetup))
		r.Post("/setup", serve(s.account.Setup))
		r.Get("/signin", serve(s.account.ShowSignIn))
		r.Post("/signin", serve(s.account.SignIn))
		r.Post("/signout", serve(s.account.SignOut))
		r.Group(func(r chi.Router) {
			r.Use(s.account.RequireOwner)
			r.Get("/", serve(s.desk.List))
			r.Get("/dashboard", serve(s.insight.Dashboard))
			r.Get("/export.csv", serve(s.desk.Export))
			r.Get("/lab", serve(s.insight.ShowLab))
			r.Post("/lab", serve(s.insight.Lab))
			r.Post("/lab/publish", serve(s.versions.Publish))
			r.Get("/versions", serve(s.versions.Show))
			r.Post("/versions/rollback", serve(s.versions.RollBack))
			r.Get("/embed", serve(s.embedding.Show))
			r.Post("/signout-everywhere", serve(s.account.SignOutEverywhere))
			r.Get("/a/{id}", serve(s.desk.Detail))
			r.Get("/a/{id}/brief.txt", serve(s.desk.BriefText))
			r.Post("/a/{id}/status", serve(s.desk.SetStatus))
			r.Post("/a/{id}/calibration", serve(s.desk.Calibrate))
			r.Post("/a/{id}/notes", serve(s.desk.AddNote))
			r.Get("/a/{id}/delete", serve(s.desk.ConfirmDelete))
			r.Post("/a/{id}/delete", serve(s.desk.Delete))
			r.Post("/a/{id}/deliveries/{d}/redeliver", serve(s.desk.Redeliver))
			r.Post("/test-notification", serve(s.insight.SendTest))
		})
	})

	r.NotFound(s.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.pages.Error(w, r, page.MethodNotAllowed()) })
	return r
}

// limitBody bounds every request body to maxFormBytes, except a post to
// the rules lab or its Publish, which carry a whole content file, and the booking
// providers' webhooks, which set their own bound (web/result's maxHookBytes).
// GET and HEAD handlers read no body, so those requests pass untouched.
func limitBody(next http.Handler) http.Handler {
	forms, lab := httpx.LimitBody(maxFormBytes)(next), httpx.LimitBody(insight.MaxLabBytes)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			next.ServeHTTP(w, r)
		case r.URL.Path == insight.LabPath || r.URL.Path == insight.PublishPath:
			lab.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, "/hooks/"):
			next.ServeHTTP(w, r)
		default:
			forms.ServeHTTP(w, r)
		}
	})
}

// warnUntrustedProxy says, once, that requests seem to come through a proxy
// the server was not told about.
func (s *Server) warnUntrustedProxy(r *http.Request) {
	s.log.WarnContext(r.Context(), "requests arrive through a proxy (X-Forwarded-For from a loopback or private address), "+
		"but no proxy is trusted: every visitor shares the proxy's address and one rate-limit bucket. "+
		"Set -trusted-proxies (FITCHECK_TRUSTED_PROXIES) to the proxy's address, e.g. -trusted-proxies 127.0.0.1/32")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.pages.Error(w, r, page.NotFound())
}

// tooManyPosts answers a client over the public post limit with a page that
// says why.
func (s *Server) tooManyPosts(w http.ResponseWriter, r *http.Request) {
	s.pages.Error(w, r, &page.Error{
		Status:  http.StatusTooManyRequests,
		Title:   "That was a lot of answers very quickly",
		Message: "Please wait a minute and send this page again. The pages you had already sent are saved; this one was not.",
		Link:    page.HomeLink,
	})
}

// isTLS reports whether the visitor reached us over HTTPS, directly or via
// a proxy the owner declared with -base-url https://….
func (s *Server) isTLS(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// crossOriginProtection refuses state-changing requests that a browser marks
// as coming from another site (Go's Sec-Fetch-Site / Origin check), so no
// other page can submit answers or change the admin on a visitor's behalf.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	// Booking providers post from their servers, with a signature instead
	// of a browser's origin: only these routes skip the check.
	cop.AddInsecureBypassPattern("POST /hooks/cal")
	cop.AddInsecureBypassPattern("POST /hooks/calendly")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.pages.Error(w, r, &page.Error{
			Status:  http.StatusForbidden,
			Title:   "That request came from another site",
			Message: "For your safety, forms here can only be sent from this site's own pages. Please use the page itself.",
			Link:    page.HomeLink,
		})
	}))
	return cop.Handler(next)
}

// robots lets search engines index the landing page and nothing private:
// results, answers in progress, the frame's page and the admin stay out.
const robots = `User-agent: *
Allow: /$
Disallow: /r/
Disallow: /step/
Disallow: /embed
Disallow: /admin
`

// serveEmbedScript serves embed.js, which the owner's pages load to put
// the assessment in a frame (docs/embedding.md), at an address that does
// not change with its content: cached for an hour, not for good.
func serveEmbedScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	httpx.WriteBody(w, r, http.StatusOK, "text/javascript; charset=utf-8", page.Assets.Served("embed.js"))
}

func serveRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	httpx.WriteBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(robots))
}
