package assessment_test

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func options(ids ...string) []assessment.Option {
	out := make([]assessment.Option, len(ids))
	for i, id := range ids {
		out[i] = assessment.Option{ID: id, Label: "Label " + id}
	}
	return out
}

var (
	stageQ = assessment.Question{ID: "stage", Type: assessment.Single, Required: true, Options: options("early", "growing")}
	scaleQ = assessment.Question{ID: "alignment", Type: assessment.Scale, Required: true, Options: options("1", "2", "3")}
	multiQ = assessment.Question{
		ID: "symptoms", Type: assessment.Multi, Required: true, MaxChoices: 2,
		Options: append(options("busy", "new-direction", "fades"),
			assessment.Option{ID: "none", Label: "None of these", Exclusive: true}),
	}
	openMultiQ = assessment.Question{ID: "tried", Type: assessment.Multi, Options: options("roadmap", "process")}
	shortTextQ = assessment.Question{ID: "note", Type: assessment.Text, MaxLength: 5}
	textQ      = assessment.Question{ID: "stuck", Type: assessment.Text, Required: true}
)

func TestQuestionCheck(t *testing.T) {
	tests := []struct {
		name   string
		q      assessment.Question
		values []string
		want   []string // the cleaned answer when accepted
		msg    string   // a substring of the visitor's message; "" means accepted
	}{
		{"required single missing", stageQ, nil, nil, "Please choose an answer."},
		{"required multi missing", multiQ, []string{}, nil, "Please choose at least one answer."},
		{"required text missing", textQ, nil, nil, "Please write a short answer."},
		{"optional text missing", shortTextQ, nil, nil, ""},
		{"optional multi missing", openMultiQ, nil, nil, ""},
		{"whitespace-only single is empty", stageQ, []string{"  ", "\t"}, nil, "Please choose an answer."},
		{"whitespace-only text is empty", textQ, []string{" \n\t "}, nil, "Please write a short answer."},
		{"whitespace-only optional text", shortTextQ, []string{"   "}, nil, ""},
		{"single", stageQ, []string{"growing"}, []string{"growing"}, ""},
		{"single trimmed", stageQ, []string{" growing\n"}, []string{"growing"}, ""},
		{"single tampered option", stageQ, []string{"admin"}, nil, "That answer isn't one of the choices."},
		{"single two values", stageQ, []string{"early", "growing"}, nil, "Please choose only one answer."},
		{"single same value twice", stageQ, []string{"growing", "growing"}, []string{"growing"}, ""},
		{"scale", scaleQ, []string{"3"}, []string{"3"}, ""},
		{"scale off the scale", scaleQ, []string{"4"}, nil, "That answer isn't one of the choices."},
		{"scale two points", scaleQ, []string{"1", "3"}, nil, "Please choose only one answer."},
		{"multi", multiQ, []string{"busy", "fades"}, []string{"busy", "fades"}, ""},
		{"multi tampered option", multiQ, []string{"busy", "admin"}, nil, "One of those answers isn't among the choices."},
		{"multi exclusive alone", multiQ, []string{"none"}, []string{"none"}, ""},
		{"multi exclusive combined", multiQ, []string{"busy", "none"}, []string{"busy", "none"}, "“None of these” can't be combined with other answers."},
		{"multi at max_choices", multiQ, []string{"busy", "new-direction"}, []string{"busy", "new-direction"}, ""},
		{"multi over max_choices", multiQ, []string{"busy", "new-direction", "fades"}, []string{"busy", "new-direction", "fades"}, "Please choose at most 2."},
		{"multi duplicates collapse", multiQ, []string{"busy", " busy", "busy ", "fades", "busy"}, []string{"busy", "fades"}, ""},
		{"multi duplicates do not count against max_choices", multiQ, []string{"busy", "fades", "busy"}, []string{"busy", "fades"}, ""},
		{"values at the limit", multiQ, slices.Repeat([]string{"busy"}, assessment.MaxValuesPerQuestion), []string{"busy"}, ""},
		{"values over the limit", multiQ, slices.Repeat([]string{"busy"}, assessment.MaxValuesPerQuestion+1), nil, "more values than this question allows"},
		{"text over limit after trimming", shortTextQ, []string{"  hi there  "}, nil, "Please keep this to 5 characters or fewer (this one has 8)."},
		{"text at limit in multi-byte runes", shortTextQ, []string{"ééééé"}, []string{"ééééé"}, ""},
		{"text at limit in CJK", shortTextQ, []string{"日本語です"}, []string{"日本語です"}, ""},
		{"text over limit counts runes", shortTextQ, []string{"日本語テキスト"}, nil, "Please keep this to 5 characters or fewer (this one has 7)."},
		{"text default limit", textQ, []string{strings.Repeat("é", assessment.DefaultMaxLength)}, []string{strings.Repeat("é", assessment.DefaultMaxLength)}, ""},
		{"text over default limit", textQ, []string{strings.Repeat("é", assessment.DefaultMaxLength+1)}, nil, "Please keep this to 500 characters or fewer (this one has 501)."},
		{"text invalid UTF-8", textQ, []string{"ab\xffcd"}, nil, "That text could not be read."},
		{"text invalid UTF-8 with a NUL", textQ, []string{"\xE2\x00\x80\xAA"}, nil, "That text could not be read."},
		{"text loses NUL and bidi controls", textQ, []string{"pay \u202Eeulav\u202C now\x00"}, []string{"pay eulav now"}, ""},
		{"text of controls only is empty", textQ, []string{"\u2066\x00\u2069"}, nil, "Please write a short answer."},
		{"controls do not count against the limit", shortTextQ, []string{"\u202Ehello\u202C"}, []string{"hello"}, ""},
		{"single with a control is the option", stageQ, []string{"growing\x00"}, []string{"growing"}, ""},
		{"text two values", textQ, []string{"one", "two"}, nil, "Please write one answer."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := tt.q.Check(tt.values)
			if tt.msg == "" {
				if msg != "" {
					t.Fatalf("Check(%q) message = %q, want none", tt.values, msg)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Check(%q) = %q, want %q", tt.values, got, tt.want)
				}
				return
			}
			if !strings.Contains(msg, tt.msg) {
				t.Errorf("Check(%q) message = %q, want it to contain %q", tt.values, msg, tt.msg)
			}
		})
	}
}

func TestQuestionCheckRejectsFloodQuickly(t *testing.T) {
	// A tampered form can post a huge number of distinct values; they must
	// be turned away before any per-value work, not after it.
	values := make([]string, 100_000)
	for i := range values {
		values[i] = strconv.Itoa(i)
	}
	start := time.Now()
	got, msg := multiQ.Check(values)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Check(%d values) took %v, want well under a second", len(values), elapsed)
	}
	if got != nil || !strings.Contains(msg, "more values than this question allows") {
		t.Errorf("Check(%d values) = %d values, %q, want none and a message", len(values), len(got), msg)
	}
}

func TestStepCheckStepKeepsValidAnswers(t *testing.T) {
	step := assessment.Step{ID: "one", Questions: []assessment.Question{stageQ, multiQ, scaleQ, shortTextQ, openMultiQ}}
	given := assessment.Answers{
		"stage":    {" growing "},       // valid once trimmed
		"symptoms": {"none", "busy"},    // exclusive combined
		"note":     {"ok"},              // valid
		"tried":    {"roadmap", "nope"}, // tampered
		"other":    {"from another step"},
		// alignment is required and missing
	}

	accepted, errs := step.CheckStep(given)

	wantAccepted := assessment.Answers{"stage": {"growing"}, "note": {"ok"}}
	if !reflect.DeepEqual(accepted, wantAccepted) {
		t.Errorf("CheckStep accepted = %v, want %v", accepted, wantAccepted)
	}
	wantErrs := map[string]string{
		"symptoms":  "can't be combined",
		"alignment": "Please choose an answer.",
		"tried":     "isn't among the choices",
	}
	if len(errs) != len(wantErrs) {
		t.Errorf("CheckStep errors = %v, want exactly the questions %v", errs, slices.Sorted(maps.Keys(wantErrs)))
	}
	for id, want := range wantErrs {
		if !strings.Contains(errs[id], want) {
			t.Errorf("CheckStep error for %q = %q, want it to contain %q", id, errs[id], want)
		}
	}
}

func TestStepCheckStepAllValid(t *testing.T) {
	step := assessment.Step{ID: "one", Questions: []assessment.Question{stageQ, scaleQ, shortTextQ}}
	accepted, errs := step.CheckStep(assessment.Answers{"stage": {"early"}, "alignment": {"2"}})
	if len(errs) != 0 {
		t.Errorf("CheckStep errors = %v, want none", errs)
	}
	want := assessment.Answers{"stage": {"early"}, "alignment": {"2"}}
	if !reflect.DeepEqual(accepted, want) {
		t.Errorf("CheckStep accepted = %v, want %v", accepted, want)
	}
}
