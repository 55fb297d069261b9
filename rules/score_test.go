package rules_test

import (
	"reflect"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// contribution is what a result lists for one answer that moved a criterion,
// with the prompt and label a founder reads taken from the questionnaire.
func contribution(t *testing.T, q *assessment.Questionnaire, question, option string, points int) assessment.Contribution {
	t.Helper()
	qn, _, ok := q.Question(question)
	if !ok {
		t.Fatalf("no question %q", question)
	}
	opt, ok := qn.Option(option)
	if !ok {
		t.Fatalf("question %q has no option %q", question, option)
	}
	return assessment.Contribution{Question: question, Prompt: qn.Prompt, Option: option, Answer: opt.Label, Points: points}
}

func TestScoreExplainsEachCriterion(t *testing.T) {
	q := mustParse(t, mustRead(t, "small.yaml"))
	answers := assessment.Answers{
		"pick":  {"b"},
		"ticks": {"x", "y"},
		"scale": {"3"},
		"note":  {"free text is never scored"},
		"picks": {"p1", "p3"},
		"gate":  {"to-diff"}, // chosen, but scores nothing
	}
	want := map[string]struct {
		moved []assessment.Contribution
		score int
		level string
	}{
		"alpha": {
			moved: []assessment.Contribution{
				contribution(t, q, "pick", "b", 2),
				contribution(t, q, "ticks", "x", 1),
				contribution(t, q, "picks", "p1", 1),
				contribution(t, q, "picks", "p3", 3),
			},
			score: 7, level: "strong",
		},
		"beta": {
			moved: []assessment.Contribution{
				contribution(t, q, "pick", "b", 1),
				contribution(t, q, "ticks", "x", 2),
				contribution(t, q, "ticks", "y", 3),
				contribution(t, q, "scale", "3", 2),
			},
			score: 8, level: "strong",
		},
		"gamma": {
			moved: []assessment.Contribution{contribution(t, q, "ticks", "y", 1)},
			score: 1, level: "low",
		},
	}

	got := rules.Score(q, answers)
	if len(got) != len(q.Criteria) {
		t.Fatalf("Score returned %d criteria, want %d", len(got), len(q.Criteria))
	}
	for i, c := range got {
		if c.ID != q.Criteria[i].ID {
			t.Errorf("Score criterion %d = %q, want %q (declared order)", i, c.ID, q.Criteria[i].ID)
		}
		w := want[c.ID]
		if !reflect.DeepEqual(c.MovedBy, w.moved) {
			t.Errorf("Score %s moved by %+v, want %+v", c.ID, c.MovedBy, w.moved)
		}
		if c.Score != w.score {
			t.Errorf("Score %s = %d, want %d", c.ID, c.Score, w.score)
		}
		if c.Level != w.level {
			t.Errorf("Score %s level = %q, want %q", c.ID, c.Level, w.level)
		}
	}
}

func TestScoreSumsWhatMovedIt(t *testing.T) {
	// On the real content: every criterion's score is exactly the sum of the
	// answers listed as moving it, so the explanation never disagrees with
	// the number next to it.
	q := mustDefault(t)
	for _, ex := range q.Examples {
		for _, c := range rules.Score(q, ex.Answers) {
			sum := 0
			for _, m := range c.MovedBy {
				sum += m.Points
				if m.Points == 0 {
					t.Errorf("example %q: %s lists %s=%s with 0 points", ex.Name, c.ID, m.Question, m.Option)
				}
			}
			if c.Score != sum {
				t.Errorf("example %q: Score %s = %d, but its answers add to %d", ex.Name, c.ID, c.Score, sum)
			}
			if c.Score > c.Max {
				t.Errorf("example %q: Score %s = %d, above its Max %d", ex.Name, c.ID, c.Score, c.Max)
			}
		}
	}
}

func TestScoreMax(t *testing.T) {
	q := mustParse(t, mustRead(t, "small.yaml"))
	// Worked out in the fixture's header comment.
	want := map[string]int{"alpha": 10, "beta": 8, "gamma": 3}
	for name, answers := range map[string]assessment.Answers{
		"unanswered": {},
		"answered":   {"pick": {"d"}, "ticks": {"none"}, "scale": {"1"}},
	} {
		for _, c := range rules.Score(q, answers) {
			if c.Max != want[c.ID] {
				t.Errorf("Score(%s) %s Max = %d, want %d", name, c.ID, c.Max, want[c.ID])
			}
		}
	}
}

func TestScoreMaxIsReachable(t *testing.T) {
	// The best answers for alpha really do reach alpha's Max, so the chart's
	// "score of max" can be full.
	q := mustParse(t, mustRead(t, "small.yaml"))
	res := rules.Evaluate(q, assessment.Answers{"pick": {"c"}, "ticks": {"x"}, "scale": {"2"}, "picks": {"p2", "p3"}})
	c, _ := res.Criterion("alpha")
	if c.Score != c.Max {
		t.Errorf("best alpha answers score %d, want Max %d", c.Score, c.Max)
	}
}

func TestScoreLevelBoundaries(t *testing.T) {
	q := mustParse(t, mustRead(t, "small.yaml"))
	tests := []struct {
		name      string
		answers   assessment.Answers
		criterion string
		score     int
		level     string
		rank      int
		label     string
	}{
		{"alpha below some", assessment.Answers{"pick": {"a"}}, "alpha", 1, "low", 0, "Not really"},
		{"alpha at some", assessment.Answers{"pick": {"b"}}, "alpha", 2, "some", 1, "Some signs"},
		{"alpha one below strong", assessment.Answers{"pick": {"a"}, "picks": {"p2"}}, "alpha", 3, "some", 1, "Some signs"},
		{"alpha at strong", assessment.Answers{"pick": {"c"}}, "alpha", 4, "strong", 2, "Clear signal"},
		{"alpha pulled down by a negative", assessment.Answers{"pick": {"c"}, "ticks": {"z"}}, "alpha", 2, "some", 1, "Some signs"},
		{"alpha negative", assessment.Answers{"pick": {"d"}, "ticks": {"z"}}, "alpha", -2, "low", 0, "Not really"},
		{"alpha unanswered", assessment.Answers{}, "alpha", 0, "low", 0, "Not really"},
		{"beta one below some", assessment.Answers{"pick": {"a"}, "ticks": {"x"}}, "beta", 2, "low", 0, "Not really"},
		{"beta at some", assessment.Answers{"pick": {"b"}, "ticks": {"x"}}, "beta", 3, "some", 1, "Some signs"},
		{"beta one below strong", assessment.Answers{"pick": {"a"}, "ticks": {"y"}, "scale": {"3"}}, "beta", 5, "some", 1, "Some signs"},
		{"beta at strong", assessment.Answers{"pick": {"b"}, "ticks": {"y"}, "scale": {"3"}}, "beta", 6, "strong", 2, "Clear signal"},
		{"beta above strong", assessment.Answers{"pick": {"b"}, "ticks": {"x", "y"}, "scale": {"3"}}, "beta", 8, "strong", 2, "Clear signal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := rules.Evaluate(q, tt.answers)
			c, ok := res.Criterion(tt.criterion)
			if !ok {
				t.Fatalf("Evaluate(%s) has no criterion %q", tt.name, tt.criterion)
			}
			if c.Score != tt.score {
				t.Errorf("Evaluate(%s) %s score = %d, want %d", tt.name, tt.criterion, c.Score, tt.score)
			}
			if c.Level != tt.level || c.LevelRank != tt.rank || c.LevelLabel != tt.label {
				t.Errorf("Evaluate(%s) %s level = %q (rank %d, %q), want %q (rank %d, %q)",
					tt.name, tt.criterion, c.Level, c.LevelRank, c.LevelLabel, tt.level, tt.rank, tt.label)
			}
		})
	}
}
