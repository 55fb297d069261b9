package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/a-h/templ"
)

// render writes a page only once it has rendered whole, so a failing
// component never sends half a page with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page templ.Component) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := page.Render(r.Context(), buf); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "route", routePattern(r), "error", err)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
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

// writeBody sends a finished body with an ETag, answering a matching
// conditional GET with 304 so a revisit costs no page bytes.
func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

func etagMatches(ifNoneMatch, etag string) bool {
	for _, candidate := range strings.Split(ifNoneMatch, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

// writeJSON encodes v before writing anything, for the same reason.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	writeBody(w, r, status, "application/json; charset=utf-8", append(body, '\n'))
	return nil
}
