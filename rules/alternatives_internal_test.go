package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestAlternatives lists the single-answer changes the near-miss search
// tries, on small.yaml's questions: "pick" is a single question, "ticks" a
// required multi with an exclusive "none", "picks" an optional multi with
// max_choices 2, "scale" a scale.
func TestAlternatives(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := assessment.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		question string
		from     []string
		want     [][]string
		distance []int
	}{
		{"another option of a single question", "pick", []string{"b"}, [][]string{{"a"}, {"c"}, {"d"}}, []int{1, 1, 1}},
		{"an unanswered single question gets each option", "gate", nil,
			[][]string{{"to-narrow"}, {"to-pm"}, {"to-diff"}, {"to-full"}}, []int{1, 1, 1, 1}},
		{"scale steps count the points moved", "scale", []string{"1"}, [][]string{{"2"}, {"3"}}, []int{1, 2}},
		{"tick one more; a lone choice swaps with the exclusive option, and is never unticked from a required question",
			"ticks", []string{"x"}, [][]string{{"none"}, {"x", "y"}, {"x", "z"}}, []int{1, 1, 1}},
		{"an exclusive option alone swaps for any other", "ticks", []string{"none"}, [][]string{{"x"}, {"y"}, {"z"}}, []int{1, 1, 1}},
		{"with two ticked, untick either or tick a third; the exclusive option is not offered",
			"ticks", []string{"x", "z"}, [][]string{{"z"}, {"x", "z", "y"}, {"x"}}, []int{1, 1, 1}},
		{"max_choices stops a third; an optional question may be emptied",
			"picks", []string{"p1", "p3"}, [][]string{{"p3"}, {"p1"}}, []int{1, 1}},
		{"a lone choice on an optional question may be unticked", "picks", []string{"p2"}, [][]string{{"p2", "p1"}, {}, {"p2", "p3"}}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qn, _, ok := q.Question(tt.question)
			if !ok {
				t.Fatalf("no question %q", tt.question)
			}
			var got [][]string
			var dist []int
			for oi := range qn.Options {
				if to, ok := alternativeTo(qn, tt.from, oi, nil); ok {
					got = append(got, nonNil(to))
					dist = append(dist, distance(qn, tt.from, oi))
				}
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(dist, tt.distance) {
				t.Errorf("alternatives(%s, %v) = %v at distances %v, want %v at %v", tt.question, tt.from, got, dist, tt.want, tt.distance)
			}
		})
	}
}
