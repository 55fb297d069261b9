package answer

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Step pages that are the same for many visitors, each step as first seen
// or with the same choices, are rendered once and kept as finished, gzipped
// bytes (httpx.Kept). The key holds everything the page may depend on, and
// the page is made from the key alone, so nothing of one visitor can reach
// another visitor's page.

// stepCacheSize bounds the kept step pages: every step unanswered plus the
// common combinations of choices, at about 1.5 KB each.
const stepCacheSize = 512

// stepCacheBytes bounds them in bytes too: 512 pages of 1.5 KB and their
// keys fit in well under half of it.
const stepCacheBytes = 2 << 20

// stepChoices is everything a kept step page may depend on: the
// questionnaire version, which step (0-based; the contact step is
// len(q.Steps)), and the option ids chosen on it, in a fixed order. It has
// no room for text a visitor typed, a name, a token or a link of theirs,
// so a page made from it is the same page for everyone who made the same
// choices under the same version.
type stepChoices struct {
	version string
	step    int
	chosen  string // "question\x01option\x01option\x00question…", options sorted
}

// size is what the key holds, counted against stepCacheBytes.
func (c stepChoices) size() int { return len(c.version) + len(c.chosen) }

// choicesOf names the page for step idx with answers, and reports whether
// that page may be kept and whether anything on it is answered. Chosen
// options go into the key in a fixed order: the same choices posted in
// another order make the same page. A step holding typed words is never
// kept: their variety is unbounded and the words are the visitor's.
func choicesOf(q *assessment.Questionnaire, idx int, answers assessment.Answers) (c stepChoices, keep, answered bool) {
	step := q.Steps[idx]
	var b strings.Builder
	for i, qn := range step.Questions {
		chosen := answers[qn.ID]
		if qn.Type == assessment.Text && len(chosen) > 0 && chosen[0] != "" {
			return stepChoices{}, false, true
		}
		if qn.Type == assessment.Text || len(chosen) == 0 {
			continue
		}
		if len(chosen) > 1 {
			chosen = slices.Sorted(slices.Values(chosen))
		}
		answered = true
		// Option ids were checked against the questionnaire when saved,
		// and none contains a control character.
		if i > 0 && b.Len() > 0 {
			b.WriteByte(0)
		}
		b.WriteString(qn.ID)
		for _, v := range chosen {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
	return stepChoices{version: q.Version, step: idx, chosen: b.String()}, true, answered
}

// answers is the form a kept step page is rendered with.
func (c stepChoices) answers() url.Values {
	form := url.Values{}
	if c.chosen == "" {
		return form
	}
	for _, q := range strings.Split(c.chosen, "\x00") {
		parts := strings.Split(q, "\x01")
		form[parts[0]] = parts[1:]
	}
	return form
}

// serveKeptStep sends the step page for c. It is made from c alone.
// Unanswered pages, every visitor's first view, are pinned.
func (h *Handler) serveKeptStep(w http.ResponseWriter, r *http.Request, c stepChoices, answered bool) error {
	return page.ServeKept(w, r, h.kept, c, !answered, func() (*httpx.Page, error) {
		// Fast compression: a miss should cost about what rendering the
		// page for this one request would have.
		return page.Kept(r.Context(), stepPage(keptStepView(h.forms.Find(r.Context(), c.version), c)), true)
	})
}

// keptStepView is the view of a kept step page: the step of q with c's
// choices. Contact details are never kept in a draft, so the contact step
// starts empty for everyone.
func keptStepView(q *assessment.Questionnaire, c stepChoices) stepView {
	if c.step == len(q.Steps) {
		return contactStepView(q, assessment.Contact{}, nil)
	}
	return questionStepView(q, c.step, c.answers(), nil)
}
