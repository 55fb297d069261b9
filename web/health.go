package web

import (
	"context"
	"net/http"
	"time"
)

// health answers ok while the database answers, for monitors and load balancers.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check", "error", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
	return nil
}

// ready answers ok when the instance can serve: it is not draining, the
// database answers, and its migrations suit this build (a newer build's
// migrations marked compatible included, so a rolling upgrade leaves the
// older instances ready). A load balancer sends traffic only to an
// instance that is ready. (/healthz says only that the process is alive
// and the database answers.)
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.Draining() {
		// Asked every few seconds by each balancer: the drain is logged
		// once, where it starts, not here.
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("draining\n"))
		return nil
	}
	if err := s.store.Ready(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready\n"))
		return nil
	}
	w.Write([]byte("ready\n"))
	return nil
}

// Drain marks the server as stopping: /readyz answers 503 from now on, so
// load balancers take the instance out while it still answers every
// request. It cannot be undone; the process is on its way out.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }
