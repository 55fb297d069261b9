package result

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Each stored result's shared view (a stored result never changes) is
// rendered once and kept as finished, gzipped bytes (httpx.Kept), made from
// its key alone. A kept page belongs to its assessment's group, so the
// deletes below, the one way an assessment is deleted, forget it.

// resultCacheSize is enough kept results for every result being shared at
// once on a small site, a few MB at most.
const resultCacheSize = 256

// resultCacheBytes bounds them in bytes: a kept result is about 3 KB, its
// JSON less, and a key names the Host a request came to (without
// -base-url), which a client chooses.
const resultCacheBytes = 4 << 20

// resultKey names a result's shared view: its share link (which depends on
// the host when there is no -base-url) and whether it is the JSON twin.
type resultKey struct {
	shareURL string
	json     bool
}

// size is what the key holds, counted against resultCacheBytes.
func (k resultKey) size() int { return len(k.shareURL) }

// serveSharedResult sends a result's page (or JSON) as everyone but its
// owner sees it.
func (h *Handler) serveSharedResult(w http.ResponseWriter, r *http.Request, token string, asJSON bool) error {
	key := resultKey{shareURL: httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(token)), json: asJSON}
	if p := h.results.Get(key); p != nil {
		p.ServeHTTP(w, r)
		return nil
	}
	gen := h.results.Generation()
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	p, err := h.sharedResultPage(r, a, asJSON)
	if err != nil {
		return err
	}
	h.results.Keep(key, p, false, a.ID, gen)
	p.ServeHTTP(w, r)
	return nil
}

func (h *Handler) sharedResultPage(r *http.Request, a *assessment.Assessment, asJSON bool) (*httpx.Page, error) {
	if asJSON {
		body, err := json.MarshalIndent(resultJSON(a), "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode result json: %w", err)
		}
		return httpx.NewPage("application/json; charset=utf-8", append(body, '\n')), nil
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	return page.Kept(r.Context(), resultPage(h.resultView(r, q, a, false)), false)
}

// DeleteAssessment deletes one assessment and forgets its kept pages. Every
// delete of one goes through here: the visitor's own, and the owner's.
func (h *Handler) DeleteAssessment(ctx context.Context, id int64) error {
	if err := h.store.DeleteAssessment(ctx, id); err != nil {
		return err
	}
	h.results.Forget(id)
	return nil
}

// DeleteAssessmentsBefore applies the retention policy and, when anything
// went, forgets every kept result: the sweep runs hourly, so this costs
// little, and no removed result stays visible.
func (h *Handler) DeleteAssessmentsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := h.store.DeleteAssessmentsBefore(ctx, cutoff)
	if n > 0 {
		h.results.ForgetAll()
	}
	return n, err
}
