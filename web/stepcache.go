package web

import (
	"context"
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
// whether that page may be kept.
func stepCacheKey(idx int, step assessment.Step, answers assessment.Answers) (string, bool) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(idx))
	for _, qn := range step.Questions {
		chosen := answers[qn.ID]
		if qn.Type == assessment.Text && len(chosen) > 0 && chosen[0] != "" {
			return "", false
		}
		// Option ids were checked against the questionnaire when saved,
		// and none contains a control character.
		b.WriteByte(0)
		b.WriteString(qn.ID)
		for _, v := range chosen {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return b.String(), true
}

// stepPage returns the kept page under key, rendering and keeping it on
// first use. When the cache is full one arbitrary page makes room.
func (c *pageCache) stepPage(ctx context.Context, key string, page func() templ.Component) (*cachedPage, error) {
	c.mu.Lock()
	p := c.steps[key]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	body, err := renderBytes(ctx, page())
	if err != nil {
		return nil, err
	}
	p = newCachedPage("text/html; charset=utf-8", body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.steps == nil {
		c.steps = make(map[string]*cachedPage)
	}
	for k := range c.steps {
		if len(c.steps) < stepCacheSize {
			break
		}
		delete(c.steps, k)
	}
	c.steps[key] = p
	return p, nil
}
