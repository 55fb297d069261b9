package httpx

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// ETag is the entity tag of a body: the same bytes always get the same tag,
// whether they were rendered for this request or kept.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// WriteBody sends a finished body with an ETag, answering a matching
// conditional GET with 304 so a revisit costs no page bytes.
func WriteBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		etag := ETag(body)
		h.Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && ETagMatches(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// ETagMatches reports whether an If-None-Match header names etag.
func ETagMatches(ifNoneMatch, etag string) bool {
	for _, candidate := range strings.Split(ifNoneMatch, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

// LimitBody caps request bodies, so an oversized post fails fast with a
// clear page instead of being read into memory.
func LimitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// NoStore keeps private pages (answers, results, the admin) out of caches.
func NoStore(w http.ResponseWriter) {
	w.Header()["Cache-Control"] = noStore
}

var noStore = Value("no-store")
