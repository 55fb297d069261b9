package httpx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Assets are embedded files served under names that carry their content
// hash, so they can be cached for a year and still never go stale.
// Stylesheets are served minified.
type Assets struct {
	files map[string]asset  // fingerprinted name → file
	names map[string]string // plain name → fingerprinted name
}

type asset struct {
	body        []byte
	contentType string
}

var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
	".js":  "text/javascript; charset=utf-8",
	".png": "image/png",
	".txt": "text/plain; charset=utf-8",
}

// NewAssets reads every file of dir in fsys.
func NewAssets(fsys fs.FS, dir string) (*Assets, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read assets: %w", err)
	}
	a := &Assets{files: map[string]asset{}, names: map[string]string{}}
	for _, e := range entries {
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read asset %s: %w", e.Name(), err)
		}
		if strings.HasSuffix(e.Name(), ".css") {
			body = MinifyCSS(body)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		a.files[name] = asset{body: body, contentType: contentTypes[ext]}
		a.names[e.Name()] = name
	}
	return a, nil
}

// URL is the fingerprinted address of a file, under /static/.
func (a *Assets) URL(name string) string {
	return "/static/" + a.names[name]
}

// Served is the body a file is served with (minified, for stylesheets).
func (a *Assets) Served(name string) []byte {
	return a.files[a.names[name]].body
}

// Handler serves the file named by the request's last path element, or
// calls notFound.
func (a *Assets) Handler(notFound http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, ok := a.files[path.Base(r.URL.Path)]
		if !ok {
			notFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(f.body)
	}
}
