package httpx

import (
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// ClientAddress resolves who is asking: the connection's address, or, only
// when the connection comes from a proxy listed in trusted (CIDR prefixes),
// the address that proxy reports in X-Forwarded-For.
func ClientAddress(trusted []string) func(http.Handler) http.Handler {
	if len(trusted) > 0 {
		return middleware.ClientIPFromXFF(trusted...)
	}
	return middleware.ClientIPFromRemoteAddr
}

// ClientKey buckets a client for rate limits; IPv6 clients by their /64,
// the block one subscriber usually holds.
func ClientKey(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return httprate.CanonicalizeIP(ip)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return httprate.CanonicalizeIP(host)
}

// LimitPosts caps how often one client (by ClientKey) may send POSTs;
// refused answers the ones over the limit. Other methods pass untouched.
func LimitPosts(perMinute int, refused http.HandlerFunc) func(http.Handler) http.Handler {
	limiter := httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return ClientKey(r), nil }),
		httprate.WithLimitHandler(refused))
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

// RandomToken is n bytes from crypto/rand, URL-safe. 18 bytes (144 bits)
// are beyond guessing.
func RandomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails: crypto/rand panics rather than return an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// AbsoluteURL makes a link someone can paste elsewhere: on base when it is
// set (https://fit.example.com), otherwise on the host the request came to.
func AbsoluteURL(base string, r *http.Request, path string) string {
	if base != "" {
		return base + path
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return scheme + r.Host + path
}
