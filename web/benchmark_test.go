package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

// withBenchmarkLifetime makes the figures of where founders stand counted
// again after d (tests: at once).
func withBenchmarkLifetime(d time.Duration) siteOption {
	return func(c *web.Config) { c.BenchmarkLifetime = d }
}

// storeResult stores a submitted result of answers straight through the
// store, as a submit would (a draft, then its submit): the comparison's raw
// material without walking the journey each time.
func (s *site) storeResult(answers assessment.Answers, automated bool) *assessment.Assessment {
	s.t.Helper()
	now := time.Now().UTC()
	d := &assessment.Draft{ID: assessment.NewDraftID(), QuestionnaireVersion: s.q.Version, Answers: answers,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.store.CreateDraft(s.t.Context(), d); err != nil {
		s.t.Fatal(err)
	}
	a := &assessment.Assessment{Token: assessment.NewShareToken(), QuestionnaireVersion: s.q.Version, Answers: answers,
		Result: rules.EvaluateWithNearMiss(s.q, answers), PossiblyAutomated: automated, CreatedAt: now}
	if _, err := s.store.SubmitDraft(s.t.Context(), d.ID, a); err != nil {
		s.t.Fatal(err)
	}
	return a
}

// benchmarkJSON is the JSON twin's "benchmark".
type benchmarkJSON struct {
	Comparable int    `json:"comparable"`
	Since      string `json:"since"`
	Minimum    int    `json:"minimum"`
	Criteria   []struct {
		Criterion  string `json:"criterion"`
		BelowInTen int    `json:"below_in_10"`
		SameInTen  int    `json:"same_in_10"`
		AboveInTen int    `json:"above_in_10"`
		Sentence   string `json:"sentence"`
	} `json:"criteria"`
}

func (v *visitor) benchmark(resultPath string) *benchmarkJSON {
	v.t.Helper()
	p := v.get(resultPath + ".json")
	if p.status != http.StatusOK {
		v.t.Fatalf("GET %s.json = %d", resultPath, p.status)
	}
	var doc struct {
		Benchmark *benchmarkJSON `json:"benchmark"`
	}
	if err := json.Unmarshal([]byte(p.body), &doc); err != nil {
		v.t.Fatalf("decode %s.json: %v", resultPath, err)
	}
	if !strings.Contains(p.body, `"benchmark"`) {
		v.t.Errorf("%s.json has no benchmark field (want null below the minimum)", resultPath)
	}
	return doc.Benchmark
}

// TestWhereAFounderStands: a result says where its founder stands only
// once the version has the content's minimum of comparable results, not
// one fewer (29 then 30 by default, 9 then 10 when the content says 10);
// possibly automated submits never count; every figure on the page, in its
// JSON and on the shared view matches the share of stored scores below and
// above the founder's, counted here from the scores the test stored.
func TestWhereAFounderStands(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		minimum int
	}{
		{"default minimum", assessment.DefaultContent, 30},
		{"content minimum", bytes.Replace(assessment.DefaultContent, []byte("  minimum: 30\n"), []byte("  minimum: 10\n"), 1), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustStartAt(t, t.TempDir()+"/fitcheck.db", tt.content, withBenchmarkLifetime(time.Nanosecond))
			examples := s.q.Examples
			var stored []*assessment.Assessment
			// The founder's own result, then others up to one short of the minimum.
			founder := s.newVisitor()
			founder.answerAll(examples[0].Answers)
			resultPath := founder.submitContact(url.Values{}).location
			own, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(resultPath, "/r/"))
			if err != nil {
				t.Fatal(err)
			}
			stored = append(stored, own)
			for i := 1; len(stored) < tt.minimum-1; i++ {
				stored = append(stored, s.storeResult(examples[i%len(examples)].Answers, false))
			}
			// Automated submits, however many, never make up the sample.
			for i := range 3 {
				s.storeResult(examples[(i+3)%len(examples)].Answers, true)
			}

			if b := founder.benchmark(resultPath); b != nil {
				t.Errorf("with %d comparable results (minimum %d) the JSON says %+v, want null", len(stored), tt.minimum, b)
			}
			if p := founder.get(resultPath); byTestID(p.doc, "benchmark") != nil {
				t.Errorf("with %d comparable results (minimum %d) the page shows where the founder stands", len(stored), tt.minimum)
			}

			stored = append(stored, s.storeResult(examples[len(stored)%len(examples)].Answers, false))
			b := founder.benchmark(resultPath)
			if b == nil {
				t.Fatalf("with %d comparable results (minimum %d) the JSON has no benchmark", len(stored), tt.minimum)
			}
			if b.Comparable != tt.minimum || b.Minimum != tt.minimum {
				t.Errorf("benchmark of %d (minimum %d), want %d of %d: automated submits counted?", b.Comparable, b.Minimum, tt.minimum, tt.minimum)
			}
			if want := time.Now().UTC().Format(time.DateOnly); b.Since != want {
				t.Errorf("since = %q, want today %q", b.Since, want)
			}
			want := independentStandings(stored, own)
			if len(b.Criteria) != len(want) {
				t.Fatalf("%d criteria compared, want %d", len(b.Criteria), len(want))
			}
			p := founder.get(resultPath)
			lines := map[string]string{} // the page's line per criterion, by label
			walk(byTestID(p.doc, "benchmark"), func(n *htmlNode) bool {
				if n.Data == "li" {
					label, _, _ := strings.Cut(textOf(n), ":")
					lines[label] = textOf(n)
				}
				return true
			})
			sample := textOf(byTestID(p.doc, "benchmark-sample"))
			if !strings.Contains(sample, "the "+strconv.Itoa(tt.minimum)+" founders who took this since ") {
				t.Errorf("the sample reads %q, want it to say %d founders and since when", sample, tt.minimum)
			}
			for _, c := range b.Criteria {
				w := want[c.Criterion]
				if c.BelowInTen != w.below || c.SameInTen != w.same || c.AboveInTen != w.above {
					t.Errorf("%s: %d/%d/%d in 10 below/same/above, want %d/%d/%d (counted from the stored scores)",
						c.Criterion, c.BelowInTen, c.SameInTen, c.AboveInTen, w.below, w.same, w.above)
				}
				own, _ := own.Result.Criterion(c.Criterion)
				line := lines[own.Label]
				if !strings.Contains(line, w.words) || !strings.HasSuffix(strings.ToLower(c.Sentence), strings.ToLower(w.words)+" founders who took this") {
					t.Errorf("%s: the page says %q and the JSON %q, want both to say %q", c.Criterion, line, c.Sentence, w.words)
				}
			}

			// Someone with the link sees the same comparison.
			shared := s.newVisitor().get(resultPath)
			if byTestID(shared.doc, "shared-frame") == nil {
				t.Fatal("a visitor without a session does not get the shared view")
			}
			if got := textOf(byTestID(shared.doc, "benchmark-sample")); got != sample {
				t.Errorf("the shared view's sample = %q, want %q", got, sample)
			}
		})
	}
}

// standing is a criterion's expected figures, counted in the test.
type standing struct {
	below, same, above int    // in ten, rounded down
	words              string // "than 7 in 10" on the side more founders are, or "the same as 8 in 10"
}

// independentStandings counts, for each criterion of own, how many of
// stored (own among them) scored below and above it, without the
// benchmark code.
func independentStandings(stored []*assessment.Assessment, own *assessment.Assessment) map[string]standing {
	out := map[string]standing{}
	for _, c := range own.Result.Criteria {
		var below, same, above int
		for _, a := range stored {
			other, _ := a.Result.Criterion(c.ID)
			switch {
			case other.Score < c.Score:
				below++
			case other.Score > c.Score:
				above++
			default:
				same++
			}
		}
		n := len(stored)
		s := standing{below: below * 10 / n, same: same * 10 / n, above: above * 10 / n}
		switch {
		case s.same >= 5 || s.below == 0 && s.above == 0:
			s.words = fmt.Sprintf("the same as %d in 10", s.same)
		case s.below >= s.above:
			s.words = fmt.Sprintf("than %d in 10", s.below)
		default:
			s.words = fmt.Sprintf("than %d in 10", s.above)
		}
		out[c.ID] = s
	}
	return out
}

// BenchmarkResultWhereAFounderStands is a result page through the whole
// handler with and without the "Among founders who took this" section:
// the founder's own page (rendered per request, its figures from the
// version's kept counts) and the shared view and JSON (kept in memory).
func BenchmarkResultWhereAFounderStands(b *testing.B) {
	for _, comparable := range []int{1, 30} {
		b.Run(fmt.Sprintf("comparable=%d", comparable), func(b *testing.B) {
			s := mustStart(b, withBaseURL("https://fit.example.com"))
			for i := range comparable - 1 {
				s.storeResult(s.q.Examples[i%len(s.q.Examples)].Answers, false)
			}
			v := s.newVisitor()
			v.answerAll(exampleAnswers(b, s.q, "book-a-call"))
			done := v.submitContact(url.Values{})
			if shown := byTestID(v.get(done.location).doc, "benchmark") != nil; shown != (comparable >= 30) {
				b.Fatalf("with %d comparable results the section shows: %v", comparable, shown)
			}
			h := s.server.Handler()
			b.Run("own", func(b *testing.B) { benchmarkPage(b, h, done.location, v.cookie()) })
			b.Run("shared", func(b *testing.B) { benchmarkPage(b, h, done.location, "") })
			b.Run("json", func(b *testing.B) { benchmarkPage(b, h, done.location+".json", "") })
		})
	}
}
