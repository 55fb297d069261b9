package answer

import (
	"slices"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestStepChoicesKey(t *testing.T) {
	step := assessment.Step{Questions: []assessment.Question{
		{ID: "team", Type: assessment.Single},
		{ID: "gaps", Type: assessment.Multi},
		{ID: "note", Type: assessment.Text},
	}}
	q := &assessment.Questionnaire{Version: "v1", Steps: []assessment.Step{{}, step}}
	key := func(a assessment.Answers) (stepChoices, bool, bool) { return choicesOf(q, 1, a) }

	unanswered, keep, answered := key(assessment.Answers{})
	if !keep || answered {
		t.Errorf("an unanswered step: keep %v, answered %v; want kept, unanswered", keep, answered)
	}
	ab, _, _ := key(assessment.Answers{"team": {"small"}, "gaps": {"a", "b"}})
	ba, _, answered := key(assessment.Answers{"team": {"small"}, "gaps": {"b", "a"}})
	if ab != ba {
		t.Errorf("the same choices in another order make another key: %v, %v", ab, ba)
	}
	if !answered || ab == unanswered {
		t.Errorf("an answered step reads as unanswered")
	}
	if other, _, _ := key(assessment.Answers{"team": {"large"}, "gaps": {"a", "b"}}); other == ab {
		t.Errorf("different choices share a key: %v", other)
	}
	if _, keep, _ := key(assessment.Answers{"note": {"a decision"}}); keep {
		t.Error("a page with typed words may be kept")
	}
	if _, keep, _ := key(assessment.Answers{"note": {""}}); !keep {
		t.Error("an empty text answer stops the page being kept")
	}
	// A published version's step is another page, even with the same choices.
	v2 := &assessment.Questionnaire{Version: "v2", Steps: q.Steps}
	if other, _, _ := choicesOf(v2, 1, assessment.Answers{"team": {"small"}, "gaps": {"a", "b"}}); other == ab {
		t.Errorf("two questionnaire versions share a key: %v", other)
	}
}

// TestKeptStepPageIsMadeFromItsKey: the choices a kept page is rendered
// with are exactly the ones its key names.
func TestKeptStepPageIsMadeFromItsKey(t *testing.T) {
	step := assessment.Step{Questions: []assessment.Question{
		{ID: "team", Type: assessment.Single},
		{ID: "gaps", Type: assessment.Multi},
	}}
	q := &assessment.Questionnaire{Version: "v1", Steps: []assessment.Step{step}}
	c, _, _ := choicesOf(q, 0, assessment.Answers{"gaps": {"b", "a"}, "team": {"small"}})
	got := c.answers()
	if want := []string{"a", "b"}; !slices.Equal(got["gaps"], want) || !slices.Equal(got["team"], []string{"small"}) || len(got) != 2 {
		t.Errorf("answers() = %v, want gaps %v and team [small]", got, want)
	}
	if none, _, _ := choicesOf(q, 0, assessment.Answers{}); len(none.answers()) != 0 {
		t.Errorf("an unanswered step renders with %v", none.answers())
	}
}
