package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"
)

//go:embed static
var staticFiles embed.FS

// asset is one embedded file served under a name that carries its content
// hash, so it can be cached for a year and still never go stale.
type asset struct {
	body        []byte
	contentType string
}

var (
	assets     = map[string]asset{}
	assetNames = map[string]string{} // plain name → fingerprinted name
)

func init() {
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		body, err := staticFiles.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		if strings.HasSuffix(e.Name(), ".css") {
			body = minifyCSS(body)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		assets[name] = asset{body: body, contentType: contentTypes[ext]}
		assetNames[e.Name()] = name
	}
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
	".txt": "text/plain; charset=utf-8",
}

// assetURL is the fingerprinted address of an embedded static file.
func assetURL(name string) string {
	return "/static/" + assetNames[name]
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[chi.URLParam(r, "file")]
	if !ok {
		s.renderError(w, r, notFound())
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}
