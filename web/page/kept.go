package page

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"sessionplayer.studio/fitcheck/web/httpx"
)

// ServeKept sends the page kept under key, making and keeping it first if
// needed. pinned pages (every visitor's first view) are never dropped to
// make room. A kept page is made from its key alone, so nothing of one
// visitor can reach another's page: each key type holds everything its
// page may depend on.
func ServeKept[K comparable](w http.ResponseWriter, r *http.Request, kept *httpx.Kept[K], key K, pinned bool,
	make func() (*httpx.Page, error)) error {
	if p := kept.Get(key); p != nil {
		p.ServeHTTP(w, r)
		return nil
	}
	p, err := make()
	if err != nil {
		return err
	}
	kept.Keep(key, p, pinned, 0, 0)
	p.ServeHTTP(w, r)
	return nil
}

// Kept renders c whole into a page to keep. fast compresses quickly: a
// miss then costs about what rendering for one request would have.
func Kept(ctx context.Context, c templ.Component, fast bool) (*httpx.Page, error) {
	body, err := Bytes(ctx, c)
	if err != nil {
		return nil, err
	}
	if fast {
		return httpx.NewPageFast("text/html; charset=utf-8", body), nil
	}
	return httpx.NewPage("text/html; charset=utf-8", body), nil
}

// CardMaxAge is how long browsers and shared caches may keep a card: long
// enough that a link shared in a busy channel is drawn once, short enough
// that a deleted result's card is gone from them soon after (its address
// answers 404 at once).
const CardMaxAge = 10 * time.Minute

// ServeCard sends a link-preview card (a PNG), kept under key, rendering it
// first if needed. Caches may keep it for CardMaxAge, then revalidate by
// its ETag.
func ServeCard(w http.ResponseWriter, r *http.Request, kept *httpx.Kept[string], key string, render func() ([]byte, error)) error {
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(CardMaxAge/time.Second)))
	return ServeKept(w, r, kept, key, false, func() (*httpx.Page, error) {
		png, err := render()
		if err != nil {
			return nil, err
		}
		return httpx.NewPageUncompressed("image/png", png), nil
	})
}
