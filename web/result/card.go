package result

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/httprate"

	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// A result's link preview is a 1200×630 PNG drawn by package card. It
// depends only on the questionnaire version, the outcome and the scores
// (card.Result has no room for anything else), so cards are kept by their
// view: two founders with the same answers share one. The assessment is
// still looked up first, so a deleted result's card is gone.
//
// Drawing a card costs about 12 ms of CPU, a kept one nothing; anyone may
// ask for the cards of many results in turn. So drawing is bounded: each
// client may have only so many cards drawn a minute, and the whole server
// draws one at a time, at most a few a second, on a thread of lower
// priority, so visitors' pages never wait behind cards (cardRenders).

// cardCacheSize and cardCacheBytes bound the kept cards: about 30–40 KB
// each, so some 400 of them.
const (
	cardCacheSize  = 1024
	cardCacheBytes = 16 << 20
)

// Card serves GET /r/{token}/card.png.
func (h *Handler) Card(w http.ResponseWriter, r *http.Request) error {
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	v := card.ResultFor(h.forms.Find(r.Context(), a.QuestionnaireVersion), a.Result)
	key := v.Key()
	if h.cards.Get(key) == nil {
		release, err := h.renders.enter(w, r)
		if err != nil {
			return err
		}
		defer release()
	}
	return page.ServeCard(w, r, h.cards, key, func() (png []byte, err error) {
		// Drawn at a lower priority than visitors' pages (httpx.RunNiced).
		httpx.RunNiced(func() { png, err = card.RenderResult(v) })
		return png, err
	})
}

// Limits on drawing cards that are not kept.
const (
	// cardRendersPerClient is how many a client may have drawn a minute:
	// a link preview asks for one card, a crawler a handful.
	cardRendersPerClient = 10
	// cardRenderInterval spaces the draws of the whole server: at most
	// five a second, one at a time, about 6% of a core.
	cardRenderInterval = 200 * time.Millisecond
	// cardRenderMaxWait is the longest a request waits for its turn;
	// past it, it is asked to come back.
	cardRenderMaxWait = 2 * time.Second
)

// cardRenders decides whether and when a card that is not kept may be
// drawn: per client (an evicting count per minute) and for the whole
// server (one at a time, spaced by cardRenderInterval).
type cardRenders struct {
	perClient *httprate.RateLimiter
	mu        sync.Mutex
	next      time.Time     // the earliest start of the next draw
	one       chan struct{} // held while drawing
}

func newCardRenders() *cardRenders {
	return &cardRenders{
		perClient: httprate.NewRateLimiter(cardRendersPerClient, time.Minute),
		one:       make(chan struct{}, 1),
	}
}

// enter waits for this request's turn to draw a card and returns what ends
// it; a client past its count, or a server whose turns are taken for
// longer than cardRenderMaxWait, gets an error page asking to retry.
func (c *cardRenders) enter(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	if c.perClient.OnLimit(w, r, httpx.ClientKey(r)) {
		return nil, cardsBusy(w, time.Minute)
	}
	wait, ok := c.reserve(time.Now())
	if !ok {
		return nil, cardsBusy(w, cardRenderMaxWait)
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait+cardRenderMaxWait)
	defer cancel()
	if err := sleep(ctx, wait); err != nil {
		return nil, cardsBusy(w, cardRenderMaxWait)
	}
	select {
	case c.one <- struct{}{}:
		return func() { <-c.one }, nil
	case <-ctx.Done():
		return nil, cardsBusy(w, cardRenderMaxWait)
	}
}

// reserve books the next start, reporting how long until it, or false when
// that is further off than cardRenderMaxWait (nothing is booked then).
func (c *cardRenders) reserve(now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := c.next
	if start.Before(now) {
		start = now
	}
	wait := start.Sub(now)
	if wait > cardRenderMaxWait {
		return 0, false
	}
	c.next = start.Add(cardRenderInterval)
	return wait, true
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cardsBusy is the answer to a card request that may not be drawn now
// (429, whether this client or everyone asked for too many: the server is
// fine, the request is early), with when to come back. It is not a fault
// of ours, so nothing is logged as one.
func cardsBusy(w http.ResponseWriter, retry time.Duration) *page.Error {
	w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())))
	httpx.NoStore(w)
	return &page.Error{Status: http.StatusTooManyRequests, Title: "This preview image is busy",
		Message: "Many preview images were asked for just now. Please try again in a moment.", Link: page.HomeLink}
}
