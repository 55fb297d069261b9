package data

import (
	"encoding/json"
	"reflect"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// FuzzDecodeAnswers: whatever the text, decodeAnswers gives what
// encoding/json gives (the same answers, or an error where it errs).
func FuzzDecodeAnswers(f *testing.F) {
	for _, a := range []assessment.Answers{
		{},
		{"stage": {"growing"}, "symptoms": {"a", "b"}},
		{"notes": {"Zoë's café — 日本語 🚀 \"quoted\"\nsecond line <b>&amp;</b> \u2028"}},
		{"empty": {}, "nil": nil, "": {""}},
	} {
		b, _ := json.Marshal(a)
		f.Add(string(b))
	}
	for _, s := range []string{``, `{`, `null`, `{"a":["x"]`, `{"a":"x"}`, `{"a":[1]}`, ` { "a" : [ "x" , "y" ] } `,
		`{"a":["x"],"a":["y"]}`, "{\"a\":[\"\xff\"]}", "{\"a\":[\"tab\there\"]}", `{"a":["\ud800"]}`, `{"a":["x"]} x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var want assessment.Answers
		wantErr := json.Unmarshal([]byte(text), &want)
		got, err := decodeAnswers(text)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decodeAnswers(%q) error = %v, encoding/json's = %v", text, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(normal(got), normal(want)) {
			t.Fatalf("decodeAnswers(%q) = %#v, encoding/json gives %#v", text, got, want)
		}
	})
}

// normal makes a null document and an empty object read alike: both are
// no answers to the store.
func normal(a assessment.Answers) assessment.Answers {
	if a == nil {
		return assessment.Answers{}
	}
	return a
}
