// Package embedding is the review area's Embed page: the snippet the owner
// copies into their own site to show the assessment there, and which sites
// may (-embed-origins). The embedded journey itself is the visitor flows'
// (web/answer, web/result, web/visitor); docs/embedding.md tells it whole.
package embedding

import (
	"errors"
	"net/http"
	"strings"

	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Path is the Embed page's address.
const Path = "/admin/embed"

// Handler serves the Embed page.
type Handler struct {
	area    *frame.Area
	origins []string
}

// New builds the Embed page; origins are -embed-origins, the sites whose
// pages may frame the assessment.
func New(area *frame.Area, origins []string) (*Handler, error) {
	if area == nil {
		return nil, errors.New("embed: the review area is required")
	}
	return &Handler{area: area, origins: origins}, nil
}

// Show serves GET /admin/embed.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) error {
	base := httpx.AbsoluteURL(h.area.BaseURL, r, "")
	c := h.area.Chrome(r, "embed")
	c.Script = true // the copy buttons
	v := embedView{Chrome: c, Origins: h.origins, Snippet: scriptSnippet(base), Plain: plainSnippet(base),
		Frame: base + page.EmbedPath, Secure: strings.HasPrefix(base, "https://")}
	httpx.NoStore(w)
	h.area.Pages.Render(w, r, http.StatusOK, embedPage(v))
	return nil
}

// frameTitle names the frame for screen readers on the owner's page.
const frameTitle = "fitcheck: is a fractional product leader right for you?"

// scriptSnippet is the snippet with embed.js: the frame put in by the
// script, carrying the page's utm_* and referrer and fitted to each page;
// the plain frame inside <noscript> for a browser without JavaScript.
func scriptSnippet(base string) string {
	return `<div data-fitcheck="` + base + page.EmbedPath + `">
  <noscript><iframe src="` + base + page.EmbedPath + `" title="` + frameTitle + `" style="width:100%;height:1100px;border:0"></iframe></noscript>
</div>
<script src="` + base + `/embed.js" async></script>`
}

// plainSnippet is the frame alone, for a site builder that takes no script:
// it keeps the height given and scrolls inside.
func plainSnippet(base string) string {
	return `<iframe src="` + base + page.EmbedPath + `" title="` + frameTitle + `" style="width:100%;height:1100px;border:0" loading="lazy"></iframe>`
}

// embedView is the Embed page.
type embedView struct {
	frame.Chrome
	Origins []string // who may frame the assessment; none: nobody yet
	Snippet string
	Plain   string
	Frame   string // the frame's own address
	Secure  bool   // served over https, as a frame on an https site must be
}
