package httpx

import (
	"fmt"
	"net/http"
	"strings"
)

// SecurityHeaders sets the headers every response carries: csp as the
// Content-Security-Policy, and HSTS when isTLS says the visitor came over
// HTTPS. X-Frame-Options follows csp's frame-ancestors: DENY when it is
// 'none', and absent when it lists who may frame the page. The header
// cannot name sites (its ALLOW-FROM is ignored by today's browsers), and
// a DENY beside an allow-list would block the frame in a browser that reads
// it first; every browser in use reads frame-ancestors, which then wins.
func SecurityHeaders(csp string, isTLS func(*http.Request) bool) func(http.Handler) http.Handler {
	deny := strings.Contains(csp, "frame-ancestors 'none'")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			if deny {
				h.Set("X-Frame-Options", "DENY")
			} else {
				h.Del("X-Frame-Options")
			}
			// Tokens live in URLs: never hand them to another site.
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			if isTLS(r) {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Recover turns a panic in a handler into failed(w, r, err), so a visitor
// never sees a stack trace or a dropped connection. http.ErrAbortHandler
// still aborts, as net/http intends.
func Recover(failed func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					failed(w, r, panicError{v})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

type panicError struct{ value any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }
