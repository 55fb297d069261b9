package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestResultCards: each result has a 1200×630 PNG card within its budget,
// the same for two founders with the same answers whatever their contact
// details, and gone once the result is deleted.
func TestResultCards(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"))
	withContact := s.submitted(assessment.BookACall, url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	anonymous := s.submitted(assessment.BookACall, url.Values{})
	other := s.submitted(assessment.HireAPM, url.Values{})
	fetch := func(path string) (int, http.Header, []byte) {
		resp, body := rawGet(t, s, path, "", nil)
		return resp.StatusCode, resp.Header, body
	}
	var cards [][]byte
	for _, result := range []string{withContact, anonymous, other} {
		status, h, body := fetch(result + "/card.png")
		if status != http.StatusOK || h.Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s/card.png = %d %q, want a PNG", result, status, h.Get("Content-Type"))
		}
		if len(body) > 150<<10 {
			t.Errorf("card is %d bytes, budget 150 KB", len(body))
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("card does not decode: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
			t.Errorf("card is %dx%d, want 1200x630", b.Dx(), b.Dy())
		}
		// A shared cache must not keep a card long after its result is
		// deleted: a short max-age, revalidated by the ETag.
		if cc := h.Get("Cache-Control"); strings.Contains(cc, "immutable") || maxAge(cc) <= 0 || maxAge(cc) > 600 || h.Get("ETag") == "" {
			t.Errorf("card Cache-Control %q, ETag %q; want a max-age of at most 10 minutes, not immutable, with an ETag", cc, h.Get("ETag"))
		}
		cards = append(cards, body)
	}
	if !bytes.Equal(cards[0], cards[1]) {
		t.Error("two results with the same answers and different contact details have different cards")
	}
	if bytes.Equal(cards[0], cards[2]) {
		t.Error("a book-a-call and a hire-a-PM result have the same card")
	}
	if status, h, body := fetch("/card.png"); status != http.StatusOK || h.Get("Content-Type") != "image/png" || len(body) > 150<<10 {
		t.Errorf("landing card = %d %q (%d bytes), want a PNG within 150 KB", status, h.Get("Content-Type"), len(body))
	}

	owner := s.newVisitor()
	owner.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	mine := owner.submitContact(url.Values{}).location
	if p := owner.post(mine+"/delete", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("delete = %d", p.status)
	}
	if status, _, _ := fetch(mine + "/card.png"); status != http.StatusNotFound {
		t.Errorf("a deleted result's card = %d, want 404", status)
	}
}

// maxAge is the max-age of a Cache-Control value in seconds, or -1.
func maxAge(cacheControl string) int {
	for _, d := range strings.Split(cacheControl, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return -1
}

// TestLinkPreviewTags: the landing page and a result carry absolute Open
// Graph tags for a large image card and a short description written for
// the share.
func TestLinkPreviewTags(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"))
	result := s.submitted(assessment.HireAPM, url.Values{})
	for path, wantURL := range map[string]string{"/": "https://fit.example.com/", result: "https://fit.example.com" + result} {
		p := s.newVisitor().get(path)
		meta := map[string]string{}
		walk(p.doc, func(n *htmlNode) bool {
			if n.Data == "meta" {
				meta[attr(n, "property")+attr(n, "name")] = attr(n, "content")
			}
			return true
		})
		if meta["og:url"] != wantURL {
			t.Errorf("%s og:url = %q, want %q", path, meta["og:url"], wantURL)
		}
		if img := meta["og:image"]; !strings.HasPrefix(img, "https://fit.example.com/") || !strings.HasSuffix(img, "card.png") {
			t.Errorf("%s og:image = %q, want an absolute card address", path, img)
		}
		if meta["og:image:width"] != "1200" || meta["og:image:height"] != "630" || meta["og:image:alt"] == "" {
			t.Errorf("%s og:image size %q×%q alt %q, want 1200×630 with alt text", path, meta["og:image:width"], meta["og:image:height"], meta["og:image:alt"])
		}
		if meta["twitter:card"] != "summary_large_image" {
			t.Errorf("%s twitter:card = %q, want summary_large_image", path, meta["twitter:card"])
		}
		if d := meta["og:description"]; d == "" || len([]rune(d)) > 160 {
			t.Errorf("%s og:description = %q (%d characters), want 1 to 160", path, d, len([]rune(d)))
		}
		if path == result && !strings.HasPrefix(meta["og:description"], "A fitcheck result: ") {
			t.Errorf("result og:description = %q, want it written for the share", meta["og:description"])
		}
	}
}
