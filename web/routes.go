package web

import (
	"cmp"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// maxFormBytes bounds a posted form. The largest legitimate step (a few
// choices and one short text) is well under this.
const maxFormBytes = 64 << 10

// Handler is the whole surface of the site, listed in one place.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.logRequests)
	r.Use(s.recoverPanics)
	r.Use(s.securityHeaders)
	r.Use(s.clientAddress())
	r.Use(limitBody(maxFormBytes))
	r.Use(honourGzipRefusal)
	r.Use(newCompressor("text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml").Handler)
	r.Use(s.crossOriginProtection)
	r.Use(middleware.GetHead) // HEAD is answered by the GET handler, as monitors and link checkers expect

	r.Get("/healthz", s.serve(s.health))
	r.Get("/robots.txt", serveRobots)
	r.Get("/static/{file}", s.serveStatic)

	r.Get("/", s.serve(s.landing))
	r.Group(func(r chi.Router) {
		r.Use(s.limitPublicPosts(cmp.Or(s.cfg.PublicPostsPerMinute, 120)))
		r.Post("/start", s.serve(s.start))
		r.Get("/step/{n}", s.serve(s.showStep))
		r.Post("/step/{n}", s.serve(s.saveStep))
		r.Post("/r/{token}/delete", s.serve(s.deleteOwnResult))
	})
	r.Get("/r/{token}", s.serve(s.result))

	r.Route("/admin", func(r chi.Router) {
		r.Get("/setup", s.serve(s.showSetup))
		r.Post("/setup", s.serve(s.setupOwner))
		r.Get("/signin", s.serve(s.showSignIn))
		r.Post("/signin", s.serve(s.signIn))
		r.Post("/signout", s.serve(s.signOut))
		r.Group(func(r chi.Router) {
			r.Use(s.requireOwner)
			r.Get("/", s.serve(s.adminList))
			r.Get("/dashboard", s.serve(s.adminDashboard))
			r.Get("/export.csv", s.serve(s.adminExport))
			r.Post("/signout-everywhere", s.serve(s.signOutEverywhere))
			r.Get("/a/{id}", s.serve(s.adminDetail))
			r.Post("/a/{id}/status", s.serve(s.adminSetStatus))
			r.Post("/a/{id}/notes", s.serve(s.adminAddNote))
			r.Get("/a/{id}/delete", s.serve(s.adminConfirmDelete))
			r.Post("/a/{id}/delete", s.serve(s.adminDelete))
		})
	})

	r.NotFound(s.serve(func(http.ResponseWriter, *http.Request) error { return notFound() }))
	r.MethodNotAllowed(s.serve(func(http.ResponseWriter, *http.Request) error {
		return &pageError{
			status:  http.StatusMethodNotAllowed,
			title:   "That page can't be used that way",
			message: "Please use the links and buttons on the pages to move through the assessment.",
			link:    homeLink,
		}
	}))
	return r
}

// limitBody caps request bodies, so an oversized post fails fast with a
// clear page instead of being read into memory.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// recoverPanics turns a panic in a handler into the ordinary error page, so
// a visitor never sees a stack trace or a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses state-changing requests that a browser marks
// as coming from another site (Go's Sec-Fetch-Site / Origin check), so no
// other page can submit answers or change the admin on a visitor's behalf.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &pageError{
			status:  http.StatusForbidden,
			title:   "That request came from another site",
			message: "For your safety, forms here can only be sent from this site's own pages. Please use the page itself.",
			link:    homeLink,
		})
	}))
	return cop.Handler(next)
}

// robots lets search engines index the landing page and nothing private:
// results, answers in progress and the admin stay out.
const robots = `User-agent: *
Allow: /$
Disallow: /r/
Disallow: /step/
Disallow: /admin
`

func serveRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	writeBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(robots))
}
