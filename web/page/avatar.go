package page

import (
	"net/http"
	"strings"

	"sessionplayer.studio/fitcheck/web/httpx"
)

// Avatar is the owner's photo (a small square PNG), served at an address
// that carries its content's hash, so it is cached for good. The landing
// page, the result and the checklist show it.
type Avatar struct {
	photo *httpx.Page
	url   string
}

// NewAvatar serves png; nil gives an Avatar with no address, and the owner
// block shows the owner's initials instead.
func NewAvatar(png []byte) *Avatar {
	if png == nil {
		return &Avatar{}
	}
	return &Avatar{photo: httpx.NewPageUncompressed("image/png", png),
		url: "/avatar/" + strings.Trim(httpx.ETag(png), `"`)[:16] + ".png"}
}

// URL is the photo's address, or "" when there is none.
func (a *Avatar) URL() string { return a.url }

// Handler serves the photo at its address, and notFound elsewhere.
func (a *Avatar) Handler(notFound http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.photo == nil || r.URL.Path != a.url {
			notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		a.photo.ServeHTTP(w, r)
	}
}
