package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// ClientAddress resolves who is asking: the connection's address, or, only
// when the connection comes from a proxy listed in trusted (CIDR prefixes),
// the address that proxy reports in X-Forwarded-For. With no trusted proxy,
// the first request that looks proxied (X-Forwarded-For from a loopback or
// private address) calls untrustedProxy, once: behind such a proxy every
// visitor would otherwise share its address without anyone noticing.
func ClientAddress(trusted []string, untrustedProxy func(*http.Request)) func(http.Handler) http.Handler {
	if len(trusted) > 0 {
		return middleware.ClientIPFromXFF(trusted...)
	}
	var once sync.Once
	return func(next http.Handler) http.Handler {
		direct := middleware.ClientIPFromRemoteAddr(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Forwarded-For") != "" && fromNearbyAddress(r) {
				once.Do(func() { untrustedProxy(r) })
			}
			direct.ServeHTTP(w, r)
		})
	}
}

// fromNearbyAddress reports whether the connection comes from a loopback or
// private address, where a reverse proxy usually sits.
func fromNearbyAddress(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && (ip.IsLoopback() || ip.IsPrivate())
}

// ClientAddr is the client's address as ClientAddress resolved it, or the
// zero Addr when it cannot be read. On a route ClientAddress does not run
// on it is the connection's address: mount ClientAddress on every route
// that reads this (web/routes.go).
func ClientAddr(r *http.Request) netip.Addr {
	host := middleware.GetClientIP(r.Context())
	if host == "" {
		host, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap()
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
