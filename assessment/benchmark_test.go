package assessment

import (
	"strings"
	"testing"
)

func TestStandNeedsTheMinimum(t *testing.T) {
	res := Result{Criteria: []CriterionResult{{ID: "a", Score: 3}, {ID: "b", Score: 0}}}
	b := Benchmark{Count: 30, Scores: map[string]map[int]int{
		"a": {0: 10, 3: 5, 4: 15},
		"b": {0: 30},
	}}
	got := b.Stand(res, 30)
	want := []Standing{{Criterion: "a", Below: 10, Same: 5, Above: 15}, {Criterion: "b", Same: 30}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Stand(30 results, minimum 30) = %+v, want %+v", got, want)
	}
	if got := b.Stand(res, 31); got != nil {
		t.Errorf("Stand(30 results, minimum 31) = %+v, want nothing", got)
	}
	if got[0].BelowInTen() != 3 || got[0].AboveInTen() != 5 {
		t.Errorf("a: %d below and %d above in ten, want 3 and 5", got[0].BelowInTen(), got[0].AboveInTen())
	}
	// 29 of 30 below is 9 in 10, never rounded up to all of them.
	if s := (Standing{Below: 29, Same: 1}); s.BelowInTen() != 9 {
		t.Errorf("29 of 30 below = %d in ten, want 9", s.BelowInTen())
	}
}

func TestBenchmarkMinimumIsAContentSetting(t *testing.T) {
	for _, tt := range []struct {
		setting string
		want    int
		problem bool
	}{
		{"", DefaultBenchmarkMinimum, false},
		{"benchmarks:\n  minimum: 50\n", 50, false},
		{"benchmarks:\n  minimum: 10\n", 10, false},
		{"benchmarks:\n  minimum: 9\n", 9, true},
		{"benchmarks:\n  minimum: -1\n", -1, true},
	} {
		content := strings.Replace(string(DefaultContent), "benchmarks:\n  minimum: 30\n", tt.setting, 1)
		q, err := Parse([]byte(content))
		if tt.problem {
			if err == nil || !strings.Contains(err.Error(), "benchmarks.minimum") {
				t.Errorf("minimum %q: Parse = %v, want a problem naming benchmarks.minimum", tt.setting, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("minimum %q: Parse = %v", tt.setting, err)
		}
		if got := q.BenchmarkMinimum(); got != tt.want {
			t.Errorf("minimum %q: BenchmarkMinimum() = %d, want %d", tt.setting, got, tt.want)
		}
	}
}
