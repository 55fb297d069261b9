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
//
// The values are built once and assigned into the header map under their
// canonical keys: Header.Set would canonicalise each key and allocate a
// one-string slice per header per response, about 5% of a kept page's
// CPU (docs/performance.md). Each value is a slice with no spare capacity,
// so a later Header.Add makes a new one rather than write into the shared
// array.
func SecurityHeaders(csp string, isTLS func(*http.Request) bool) func(http.Handler) http.Handler {
	deny := strings.Contains(csp, "frame-ancestors 'none'")
	always := map[string][]string{
		"Content-Security-Policy": Value(csp),
		"X-Content-Type-Options":  Value("nosniff"),
		// Tokens live in URLs: never hand them to another site.
		"Referrer-Policy":            Value("no-referrer"),
		"Cross-Origin-Opener-Policy": Value("same-origin"),
		"Permissions-Policy":         Value("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
	}
	if deny {
		always["X-Frame-Options"] = Value("DENY")
	}
	hsts := Value("max-age=63072000; includeSubDomains")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, v := range always {
				h[k] = v
			}
			if !deny {
				delete(h, "X-Frame-Options")
			}
			if isTLS(r) {
				h["Strict-Transport-Security"] = hsts
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Value is a header value built once, to be assigned under a canonical key
// (h["Cache-Control"] = noStore) on every response that sends it. Its
// capacity is its length, so Header.Add on the key copies it instead of
// writing into the array every response shares.
func Value(v string) []string {
	return []string{v}[:1:1]
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
