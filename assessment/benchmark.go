package assessment

import "time"

// Where a founder stands: for each criterion, how their score compares with
// the scores of every founder who answered the same questionnaire version.
// A comparison is drawn only from a group of at least the content's minimum
// (Questionnaire.BenchmarkMinimum), so no figure can be traced back to a
// few founders' answers.

// Benchmarks is the content's setting for the comparison.
type Benchmarks struct {
	// Minimum is how many comparable results a version needs before any
	// comparison is shown; zero means DefaultBenchmarkMinimum.
	Minimum int `yaml:"minimum"`
}

// DefaultBenchmarkMinimum is the comparable results a version needs before
// a result says where its founder stands, when the content sets none.
const DefaultBenchmarkMinimum = 30

// LeastBenchmarkMinimum is the smallest minimum a content file may set:
// below it, one founder moves a figure by more than a tenth, and the
// tenths a result shows would begin to say what single founders answered.
const LeastBenchmarkMinimum = 10

// BenchmarkMinimum is the comparable results q's version needs before a
// result says where its founder stands.
func (q *Questionnaire) BenchmarkMinimum() int {
	if q.Benchmarks.Minimum == 0 {
		return DefaultBenchmarkMinimum
	}
	return q.Benchmarks.Minimum
}

// Compared is how a criterion reads when one founder's score is above or
// below others': "more fragile", "steadier". Both are optional.
type Compared struct {
	Higher string `yaml:"higher"`
	Lower  string `yaml:"lower"`
}

// Benchmark is how the comparable results of one questionnaire version
// scored: those not marked possibly automated.
type Benchmark struct {
	Version string
	// Count is how many results there are; Since is when the first was made.
	Count int
	Since time.Time
	// Scores counts, per criterion id, the results with each score.
	Scores map[string]map[int]int
}

// Standing is where one score sits among a benchmark's for a criterion:
// how many comparable results scored below it, the same, and above it.
type Standing struct {
	Criterion          string
	Below, Same, Above int
}

// Of is the size of the group a standing is drawn from.
func (s Standing) Of() int { return s.Below + s.Same + s.Above }

// BelowInTen is how many in ten of the group scored below, rounded down:
// "higher than 7 in 10" is true of every share from 70% up.
func (s Standing) BelowInTen() int { return inTen(s.Below, s.Of()) }

// SameInTen is how many in ten of the group scored the same, rounded down.
func (s Standing) SameInTen() int { return inTen(s.Same, s.Of()) }

// AboveInTen is how many in ten of the group scored above, rounded down.
func (s Standing) AboveInTen() int { return inTen(s.Above, s.Of()) }

func inTen(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 10 / of
}

// Stand places res's criteria among b's, each criterion only when b holds
// at least minimum results; nil when it holds fewer, which is every
// benchmark below the content's minimum. A criterion the benchmark has no
// scores for (there is none in a version's own results) is left out.
func (b Benchmark) Stand(res Result, minimum int) []Standing {
	if b.Count < minimum || minimum < 1 {
		return nil
	}
	var out []Standing
	for _, c := range res.Criteria {
		scores, ok := b.Scores[c.ID]
		if !ok {
			continue
		}
		s := Standing{Criterion: c.ID}
		for score, n := range scores {
			switch {
			case score < c.Score:
				s.Below += n
			case score > c.Score:
				s.Above += n
			default:
				s.Same += n
			}
		}
		if s.Of() < minimum {
			continue
		}
		out = append(out, s)
	}
	return out
}
