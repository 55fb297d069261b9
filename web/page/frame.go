package page

import (
	"context"
	"net/http"

	"github.com/a-h/templ"
)

// The embedded journey: the assessment inside an iframe on the owner's own
// site (docs/embedding.md). Its pages are the usual ones, marked as framed:
// every form carries FrameField, and the signed draft reference (PassField)
// that finds the visitor's draft where the browser keeps no cookie in a
// frame (web/visitor). Links that leave the journey open a new tab.

const (
	// FrameField is "1" on every form of the embedded journey.
	FrameField = "_frame"
	// PassField carries the signed draft reference. Only in form bodies:
	// never in a URL, where logs, history and referrers would keep it.
	PassField = "_draft"
	// EmbedPath is where the frame opens: the embedded journey's start.
	EmbedPath = "/embed"
)

// EmbedLink leads back to the start of the embedded journey.
var EmbedLink = Link{Href: EmbedPath, Label: "Go to the start"}

type frameKey struct{}

// frameState is what a framed page's forms carry.
type frameState struct{ pass string }

// WithFrame marks r as a request of the embedded journey, whose forms carry
// pass (empty before there is a draft). Pages rendered with the returned
// request are framed.
func WithFrame(r *http.Request, pass string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), frameKey{}, frameState{pass: pass}))
}

// InFrame reports whether r belongs to the embedded journey: marked by
// WithFrame, or a form posted from a framed page.
func InFrame(r *http.Request) bool {
	if _, ok := r.Context().Value(frameKey{}).(frameState); ok {
		return true
	}
	return r.PostForm.Get(FrameField) == "1"
}

// Framed reports whether a page is being rendered for the embedded journey.
func Framed(ctx context.Context) bool {
	_, ok := ctx.Value(frameKey{}).(frameState)
	return ok
}

// FramePass is the draft reference a framed page's forms carry.
func FramePass(ctx context.Context) string {
	f, _ := ctx.Value(frameKey{}).(frameState)
	return f.pass
}

// NewTab opens a link in a new tab from a framed page, where following it
// inside the frame would leave the journey (or be refused by the site it
// leads to); elsewhere it adds nothing.
func NewTab(ctx context.Context) templ.Attributes {
	if !Framed(ctx) {
		return nil
	}
	return templ.Attributes{"target": "_blank"} // which implies noopener
}
