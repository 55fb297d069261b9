package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// contentSecurityPolicy allows nothing but our own stylesheet: the site has
// no scripts at all, so none may run, inline or otherwise. connect-src
// 'self' opens nothing while no script can run; it lets tools that read
// /robots.txt from inside the page (Lighthouse's SEO audit) do so.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Share tokens live in URLs: never hand them to another site.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.isTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// isTLS reports whether the visitor reached us over HTTPS, directly or via
// a proxy the owner declared with -base-url https://….
func (s *Server) isTLS(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// noStore keeps private pages (answers, results, the admin) out of caches.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}

type requestIDKey struct{}

// requestID is the id of the request in ctx, for logs.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// logRequests gives each request an id (echoed in X-Request-Id, so a
// visitor's report can be matched to the log) and logs one line per request.
// It logs the route pattern, never the path or query: those can carry
// share tokens and setup links.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("route", routePattern(r)),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// clientAddress resolves who is asking: the connection's address, or, only
// when the connection comes from a proxy listed in -trusted-proxies, the
// address that proxy reports in X-Forwarded-For.
func (s *Server) clientAddress() func(http.Handler) http.Handler {
	if len(s.cfg.TrustedProxies) > 0 {
		return middleware.ClientIPFromXFF(s.cfg.TrustedProxies...)
	}
	return middleware.ClientIPFromRemoteAddr
}

// clientKey buckets a client for rate limits; IPv6 clients by their /64,
// the block one subscriber usually holds.
func clientKey(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return httprate.CanonicalizeIP(ip)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return httprate.CanonicalizeIP(host)
}

// limitPublicPosts caps how often one client may post answers. A person
// answering takes seconds per page; a script posting hundreds a minute is
// turned away with a page that says why.
func (s *Server) limitPublicPosts(perMinute int) func(http.Handler) http.Handler {
	limiter := httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return clientKey(r), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			s.renderError(w, r, &pageError{
				status:  http.StatusTooManyRequests,
				title:   "That was a lot of answers very quickly",
				message: "Please wait a minute and send this page again. The pages you had already sent are saved; this one was not.",
				link:    homeLink,
			})
		}))
	return func(next http.Handler) http.Handler {
		limited := limiter.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				limited.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
