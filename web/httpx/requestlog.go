package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type requestIDKey struct{}

// RequestID is the id of the request in ctx, for logs.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// LogRequests gives each request an id (echoed in X-Request-Id, so a
// visitor's report can be matched to the log) and logs one line per request.
// It logs the route pattern, never the path or query: those can carry
// tokens and one-time links. observe, when not nil, is told the same of
// every request (for metrics). Requests to the quiet routes (health probes,
// asked every few seconds by every balancer) are logged at DEBUG, so they
// do not bury the requests of people.
func LogRequests(log *slog.Logger, observe func(route, method string, status int, took time.Duration), quiet ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b := make([]byte, 8)
			rand.Read(b)
			id := hex.EncodeToString(b)
			w.Header()["X-Request-Id"] = []string{id} // canonical already: no Set's canonicalising
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
			took, route := time.Since(start), RoutePattern(r)
			level := slog.LevelInfo
			if slices.Contains(quiet, route) {
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", ww.Status()),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", took),
			)
			if observe != nil {
				observe(route, r.Method, ww.Status(), took)
			}
		})
	}
}

// RoutePattern names the route without its parameters, so logs never carry
// a token.
func RoutePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	return "unmatched"
}
