package page

import (
	"errors"
	"fmt"
	"net"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
)

// Error is an error a visitor should read about, as a page with a status.
type Error struct {
	Status  int
	Title   string
	Message string
	Link    Link
	Err     error // the cause, for the log; never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Title + ": " + e.Err.Error()
	}
	return e.Title
}

func (e *Error) Unwrap() error { return e.Err }

// Link is where an error page (or a message) sends the reader next.
type Link struct {
	Href  string
	Label string
}

// HomeLink leads back to the landing page.
var HomeLink = Link{Href: "/", Label: "Go to the start page"}

// Of is the one table from an error to the page a visitor sees. Errors
// that are not an *Error map by their kind; anything unknown is a 500 that
// says only that something went wrong.
func Of(err error) *Error {
	var (
		pe     *Error
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, assessment.ErrNotFound):
		return NotFound()
	case errors.Is(err, assessment.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Title: "We're restarting",
			Message: "Your answers are saved, but this didn't go through. Please send it again in a moment.",
			Link:    HomeLink, Err: err}
	case errors.Is(err, assessment.ErrConflict):
		return &Error{Status: http.StatusConflict, Title: "That clashes with something already saved",
			Message: "Nothing was changed. Please reload the page and try again.", Link: HomeLink, Err: err}
	case errors.As(err, &tooBig):
		return &Error{Status: http.StatusRequestEntityTooLarge, Title: "That was more than we can take in one go",
			Message: fmt.Sprintf("A page of answers can be at most %d KB. Please go back, shorten your text and send it again.", tooBig.Limit>>10),
			Link:    HomeLink, Err: err}
	}
	return internalError(err)
}

func internalError(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Title: "Something went wrong on our side",
		Message: "Your answers so far are saved. Please try again in a moment.", Link: HomeLink, Err: err}
}

// NotFound is the page for an address that leads nowhere.
func NotFound() *Error {
	return &Error{
		Status:  http.StatusNotFound,
		Title:   "We couldn't find that page",
		Message: "The address may be mistyped, or the result it points to may have been removed.",
		Link:    HomeLink,
	}
}

// BadForm is the page for a post that could not be read: too large, too
// slow to arrive, or garbled.
func BadForm(err error) *Error {
	var (
		tooBig  *http.MaxBytesError
		timeout net.Error
	)
	if errors.As(err, &tooBig) {
		return Of(err)
	}
	if errors.As(err, &timeout) && timeout.Timeout() {
		return &Error{Status: http.StatusRequestTimeout, Title: "That took too long to arrive",
			Message: "Your browser stopped sending the form part way. Please go back and send it again.",
			Link:    HomeLink, Err: err}
	}
	return &Error{
		Status:  http.StatusBadRequest,
		Title:   "We couldn't read that form",
		Message: "Something in what your browser sent was garbled. Please go back and send it again.",
		Link:    HomeLink,
		Err:     err,
	}
}

// MethodNotAllowed is the page for a route used with the wrong method.
func MethodNotAllowed() *Error {
	return &Error{
		Status:  http.StatusMethodNotAllowed,
		Title:   "That page can't be used that way",
		Message: "Please use the links and buttons on the pages to move through the assessment.",
		Link:    HomeLink,
	}
}

// SessionExpired is the page for a visitor who posts a step without a
// draft: their cookie is gone, blocked, or older than thirty days, or the
// draft went (expired, or deleted with its result) while they answered.
func SessionExpired() *Error {
	return &Error{
		Status: http.StatusBadRequest,
		Title:  "We couldn't find your answers",
		Message: "Your session may have expired, or your browser may be blocking cookies. " +
			"fitcheck keeps your answers on our server and needs one cookie to find them again. " +
			"Please start again; it takes about three minutes.",
		Link: HomeLink,
	}
}
