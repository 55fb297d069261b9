package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"sessionplayer.studio/fitcheck/assessment"
)

// A step page shown with GET depends on nothing but the questionnaire in
// force, which step it is, and the visitor's answers to that step's
// questions: no name, no token, no per-visitor link. So the first view of
// a step, before anything on it is answered, is the same page for every
// visitor, and a step revisited with the same choices is the same page
// again. Those pages are kept, finished and gzipped, like the landing page.
// Pages carrying free text a visitor typed are never kept: their variety
// is unbounded and the text is theirs.

// stepCacheSize bounds the kept step pages: every step unanswered plus the
// common combinations of choices, at about 1.5 KB each.
const stepCacheSize = 512

// stepCacheKey names the page for step idx with answers, and reports
// whether that page may be kept and whether anything on it is answered.
// Chosen options go into the key in a fixed order: the same choices posted
// in another order make the same page.
func stepCacheKey(idx int, step assessment.Step, answers assessment.Answers) (key string, keep, answered bool) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(idx))
	for _, qn := range step.Questions {
		chosen := answers[qn.ID]
		if qn.Type == assessment.Text && len(chosen) > 0 && chosen[0] != "" {
			return "", false, true
		}
		if len(chosen) > 1 {
			chosen = slices.Sorted(slices.Values(chosen))
		}
		answered = answered || len(chosen) > 0
		// Option ids were checked against the questionnaire when saved,
		// and none contains a control character.
		b.WriteByte(0)
		b.WriteString(qn.ID)
		for _, v := range chosen {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return b.String(), true, answered
}

// keptStep is a kept step page; an unanswered one (every visitor's first
// view of the step) is never evicted to make room.
type keptStep struct {
	page       *cachedPage
	unanswered bool
}

// stepPage returns the kept page under key, rendering and keeping it on
// first use. When the cache is full, an arbitrary answered page makes room.
func (c *pageCache) stepPage(ctx context.Context, key string, answered bool, page func() templ.Component) (*cachedPage, error) {
	c.mu.Lock()
	e, ok := c.steps[key]
	c.mu.Unlock()
	if ok {
		return e.page, nil
	}
	body, err := renderBytes(ctx, page())
	if err != nil {
		return nil, err
	}
	// Fast compression: a miss should cost about what rendering the page
	// for this one request would have.
	p := newCachedPageFast("text/html; charset=utf-8", body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.steps == nil {
		c.steps = make(map[string]keptStep)
	}
	for k, old := range c.steps {
		if len(c.steps) < stepCacheSize {
			break
		}
		if !old.unanswered {
			delete(c.steps, k)
		}
	}
	if len(c.steps) < stepCacheSize || !answered {
		c.steps[key] = keptStep{page: p, unanswered: !answered}
	}
	return p, nil
}
