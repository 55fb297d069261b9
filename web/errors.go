package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
)

// pageError is an error a visitor should read about, as a page with a status.
type pageError struct {
	status  int
	title   string
	message string
	link    link
	err     error
}

func (e *pageError) Error() string {
	if e.err != nil {
		return e.title + ": " + e.err.Error()
	}
	return e.title
}

func (e *pageError) Unwrap() error { return e.err }

type link struct {
	Href  string
	Label string
}

var homeLink = link{Href: "/", Label: "Go to the start page"}

func notFound() *pageError {
	return &pageError{
		status:  http.StatusNotFound,
		title:   "We couldn't find that page",
		message: "The address may be mistyped, or the result it points to may have been removed.",
		link:    homeLink,
	}
}

// handlerFunc is a handler that can fail; serve turns its error into a page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve adapts a failing handler: known errors become their page, anything
// else is logged and shown as a plain apology, never as a stack trace.
func (s *Server) serve(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		s.renderError(w, r, err)
	}
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	switch {
	case errors.As(err, &pe):
	case errors.Is(err, assessment.ErrNotFound):
		pe = notFound()
	default:
		pe = &pageError{
			status:  http.StatusInternalServerError,
			title:   "Something went wrong on our side",
			message: "Your answers so far are saved. Please try again in a moment.",
			link:    homeLink,
		}
	}
	if pe.status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", routePattern(r)), slog.Any("error", err))
	}
	s.render(w, r, pe.status, errorPage(pe.title, pe.message, pe.link))
}

// routePattern names the route without its parameters, so logs never carry
// a share token.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	return "unmatched"
}
