package httpx_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/web/httpx"
)

// TestCompress: a compressible body is gzipped for a client that accepts
// gzip and sent as it is otherwise ("gzip;q=0" is a refusal); a response
// already compressed (a kept page) or of another type passes through.
func TestCompress(t *testing.T) {
	const body = "<p>hello, hello, hello, hello</p>"
	kept := httpx.NewPage("text/html; charset=utf-8", []byte(body))
	handlers := map[string]http.Handler{
		"rendered": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", "33")
			io.WriteString(w, body)
		}),
		"png": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			io.WriteString(w, body)
		}),
		"kept": kept,
	}
	tests := []struct {
		handler, accept string
		gzipped         bool
	}{
		{"rendered", "gzip, deflate, br", true},
		{"rendered", "br;q=1.0, GZIP;q=0.5", true},
		{"rendered", "gzip;q=0, deflate", false},
		{"rendered", "", false},
		{"png", "gzip", false},
		{"kept", "gzip", true},
		{"kept", "gzip;q=0", false},
	}
	compress := httpx.Compress("text/html")
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", tt.accept)
		compress(handlers[tt.handler]).ServeHTTP(rec, req)
		got := rec.Body.String()
		if gzipped := rec.Header().Get("Content-Encoding") == "gzip"; gzipped != tt.gzipped {
			t.Errorf("%s with Accept-Encoding %q: gzipped = %v, want %v", tt.handler, tt.accept, gzipped, tt.gzipped)
			continue
		}
		if tt.gzipped {
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatalf("%s with %q: %v", tt.handler, tt.accept, err)
			}
			b, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s with %q: %v", tt.handler, tt.accept, err)
			}
			got = string(b)
			if cl := rec.Header().Get("Content-Length"); tt.handler == "rendered" && cl != "" {
				t.Errorf("%s gzipped keeps the uncompressed Content-Length %s", tt.handler, cl)
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s gzipped without Vary: Accept-Encoding", tt.handler)
			}
		}
		if got != body {
			t.Errorf("%s with Accept-Encoding %q sent %q, want %q", tt.handler, tt.accept, got, body)
		}
	}
}
