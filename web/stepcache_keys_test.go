package web

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/a-h/templ"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestStepCacheKey(t *testing.T) {
	step := assessment.Step{Questions: []assessment.Question{
		{ID: "team", Type: assessment.Single},
		{ID: "gaps", Type: assessment.Multi},
		{ID: "note", Type: assessment.Text},
	}}
	key := func(a assessment.Answers) (string, bool, bool) { return stepCacheKey(1, step, a) }

	unanswered, keep, answered := key(assessment.Answers{})
	if !keep || answered {
		t.Errorf("an unanswered step: keep %v, answered %v; want kept, unanswered", keep, answered)
	}
	ab, _, _ := key(assessment.Answers{"team": {"small"}, "gaps": {"a", "b"}})
	ba, _, answered := key(assessment.Answers{"team": {"small"}, "gaps": {"b", "a"}})
	if ab != ba {
		t.Errorf("the same choices in another order make another key: %q, %q", ab, ba)
	}
	if !answered || ab == unanswered {
		t.Errorf("an answered step reads as unanswered")
	}
	if other, _, _ := key(assessment.Answers{"team": {"large"}, "gaps": {"a", "b"}}); other == ab {
		t.Errorf("different choices share a key: %q", other)
	}
	if _, keep, _ := key(assessment.Answers{"note": {"a decision"}}); keep {
		t.Error("a page with typed words may be kept")
	}
	if _, keep, _ := key(assessment.Answers{"note": {""}}); !keep {
		t.Error("an empty text answer stops the page being kept")
	}
}

// TestFirstViewsOutliveAFullCache: when many choice combinations fill the
// cache, the pages every visitor sees first are the ones that stay.
func TestFirstViewsOutliveAFullCache(t *testing.T) {
	var c pageCache
	page := func() templ.Component {
		return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, err := io.WriteString(w, "<p>step</p>")
			return err
		})
	}
	ctx := context.Background()
	if _, err := c.stepPage(ctx, "first", false, page); err != nil {
		t.Fatal(err)
	}
	// Enough evictions that an unprotected page would almost surely be
	// among them (each picks one of about stepCacheSize pages).
	for i := range 10 * stepCacheSize {
		if _, err := c.stepPage(ctx, fmt.Sprintf("combo %d", i), true, page); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.steps) > stepCacheSize {
		t.Errorf("%d step pages kept, limit %d", len(c.steps), stepCacheSize)
	}
	if _, ok := c.steps["first"]; !ok {
		t.Error("the unanswered page was evicted to make room for answered ones")
	}
}
