package page

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/a-h/templ"

	"sessionplayer.studio/fitcheck/web/httpx"
)

// Renderer writes pages and error pages, logging what fails.
type Renderer struct {
	Log *slog.Logger
}

// HandlerFunc is a handler that can fail; Serve turns its error into a page.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Serve adapts a failing handler: known errors become their page, anything
// else is logged and shown as a plain apology, never as a stack trace.
func (p Renderer) Serve(h HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			p.Error(w, r, err)
		}
	}
}

// Error answers with the page Of gives for err, logging server faults.
func (p Renderer) Error(w http.ResponseWriter, r *http.Request, err error) {
	pe := Of(err)
	if pe.Status >= 500 && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client hung up while the store was answering: no fault of
		// ours, and nobody to show a page to.
		p.Log.InfoContext(r.Context(), "request ended before it was answered", slog.String("route", httpx.RoutePattern(r)))
		return
	}
	if pe.Status >= 500 {
		p.Log.ErrorContext(r.Context(), "request failed", slog.String("request_id", httpx.RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", httpx.RoutePattern(r)), slog.Any("error", err))
	}
	link := pe.Link
	if InFrame(r) {
		// Inside the frame on another site: the page stays framed, and
		// "start again" starts the embedded journey, not the landing page.
		if !Framed(r.Context()) {
			r = WithFrame(r, "")
		}
		if link.Href == HomeLink.Href {
			link = EmbedLink
		}
	}
	p.Render(w, r, pe.Status, ErrorPage(pe.Title, pe.Message, link))
}

// Render writes a page only once it has rendered whole, so a failing
// component never sends half a page with a 200; it sends the ready-made
// error page instead.
func (p Renderer) Render(w http.ResponseWriter, r *http.Request, status int, page templ.Component) {
	ctx := r.Context()
	if err := ctx.Err(); err != nil {
		// The client went away, or its body stalled past the read timeout:
		// not a fault of ours. The page is still rendered whole (a status
		// without a body would read as an empty 200), in case anyone is
		// there to read it.
		p.Log.InfoContext(ctx, "request ended before its page was sent", slog.String("route", httpx.RoutePattern(r)),
			slog.Int("status", status), slog.Any("error", err))
		ctx = context.WithoutCancel(ctx)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := page.Render(ctx, buf); err != nil {
		p.Log.ErrorContext(r.Context(), "render page", slog.String("route", httpx.RoutePattern(r)), slog.Any("error", err))
		httpx.NoStore(w)
		httpx.WriteBody(w, r, http.StatusInternalServerError, "text/html; charset=utf-8", internalErrorPage)
		return
	}
	httpx.WriteBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

// WriteJSON encodes v before writing anything, for the same reason.
func (p Renderer) WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	httpx.WriteBody(w, r, status, "application/json; charset=utf-8", append(body, '\n'))
	return nil
}

// Bytes renders a component whole, for pages that are kept.
func Bytes(ctx context.Context, c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		return nil, fmt.Errorf("render page: %w", err)
	}
	return buf.Bytes(), nil
}

// internalErrorPage is rendered once at start, so a page that fails to
// render is still answered with a whole page, not plain text.
var internalErrorPage = mustRender(ErrorPage(internalError(nil).Title, internalError(nil).Message, HomeLink))

func mustRender(c templ.Component) []byte {
	b, err := Bytes(context.Background(), c)
	if err != nil {
		panic(err) // a fixed page with fixed text: this cannot fail at run time
	}
	return b
}

// pageBuffers holds render buffers between requests: growing a fresh one
// to a page's size was a third of the bytes a step page allocated.
var pageBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}

// putPageBuffer returns buf to the pool unless one unusual page (a long
// admin list) made it large enough to be worth letting go.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 256<<10 {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}
