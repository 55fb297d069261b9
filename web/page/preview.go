package page

import (
	"net/http"
	"strings"

	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/web/httpx"
)

// NewPreview is what a page tells link previews (Open Graph and Twitter):
// its address and its card's, both absolute on base (-base-url) or on the
// host the request came to.
func NewPreview(base string, r *http.Request, path, imagePath, imageAlt, description string) Preview {
	return Preview{
		URL:         httpx.AbsoluteURL(base, r, path),
		Image:       httpx.AbsoluteURL(base, r, imagePath),
		ImageAlt:    imageAlt,
		ImageWidth:  card.Width,
		ImageHeight: card.Height,
		Description: shareDescription(description),
	}
}

// shareDescription is at most 160 characters, cut at a word with an
// ellipsis: what Slack and LinkedIn show under a link.
func shareDescription(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= 160 {
		return s
	}
	runes := []rune(s)[:159]
	cut := string(runes)
	if i := strings.LastIndex(cut, " "); i > 100 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
