package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/a-h/templ"
)

// render writes a page only once it has rendered whole, so a failing
// component never sends half a page with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page templ.Component) {
	var buf bytes.Buffer
	if err := page.Render(r.Context(), &buf); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "route", routePattern(r), "error", err)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeJSON encodes v before writing anything, for the same reason.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
	return nil
}
