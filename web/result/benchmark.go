package result

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// Where a founder stands: each criterion of a result beside the scores of
// every founder who answered the same questionnaire version, shown only
// once the version has the content's minimum of comparable results
// (assessment.Benchmark.Stand). A version's figures are counted by the
// store (data.BenchmarkOf, from an index of every result's scores) and kept
// here for defaultBenchmarkLifetime: a result page, the shared view kept in
// memory included, never waits on more than one count per version per
// lifetime. docs/performance.md has the cost of a count.

// defaultBenchmarkLifetime is how long a version's figures are used before
// they are counted again: a sample "of 212 founders" is at most this old.
const defaultBenchmarkLifetime = 10 * time.Minute

// benchmarks keeps each questionnaire version's figures for a lifetime.
type benchmarks struct {
	count    func(ctx context.Context, version string) (assessment.Benchmark, error)
	lifetime time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu        sync.Mutex
	byVersion map[string]*versionFigures
	// generation moves on whenever any version's figures are counted
	// again. A shared view kept in memory is kept under the generation it
	// was made in (resultKey), so it never outlives the figures it shows.
	generation atomic.Uint64
}

// versionFigures is one version's figures and when they were counted. Its
// own lock makes concurrent pages of one version wait for one count, not
// make one each.
type versionFigures struct {
	mu      sync.Mutex
	figures assessment.Benchmark
	counted time.Time
	ok      bool
}

func newBenchmarks(count func(context.Context, string) (assessment.Benchmark, error), lifetime time.Duration, log *slog.Logger) *benchmarks {
	if lifetime <= 0 {
		lifetime = defaultBenchmarkLifetime
	}
	return &benchmarks{count: count, lifetime: lifetime, now: time.Now, log: log, byVersion: map[string]*versionFigures{}}
}

// of returns version's figures, counting them when they are older than the
// lifetime. ok is false when they cannot be counted: the page is then shown
// without them, and the failure logged.
func (b *benchmarks) of(ctx context.Context, version string) (assessment.Benchmark, bool) {
	b.mu.Lock()
	v := b.byVersion[version]
	if v == nil {
		v = &versionFigures{}
		b.byVersion[version] = v
	}
	b.mu.Unlock()

	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ok && b.now().Sub(v.counted) < b.lifetime {
		return v.figures, true
	}
	figures, err := b.count(ctx, version)
	if err != nil {
		b.log.WarnContext(ctx, "count where founders stand", slog.String("version", version), slog.Any("error", err))
		return assessment.Benchmark{}, false
	}
	v.figures, v.counted, v.ok = figures, b.now(), true
	b.generation.Add(1)
	return figures, true
}

// Generation is the figures' generation: see benchmarks.generation.
func (b *benchmarks) Generation() uint64 { return b.generation.Load() }

// benchmarkView is where a founder stands, as the result page and its JSON
// show it; its zero value (no standings) shows nothing.
type benchmarkView struct {
	Of        int    // comparable results
	Since     string // "March", or "March 2025" in another year
	SinceISO  string
	Minimum   int
	Standings []standingView
}

// standingView is one criterion's standing, in words and in tenths.
type standingView struct {
	Criterion  string
	Label      string
	Phrase     string // "more fragile than 7 in 10", as the page shows it
	Sentence   string // "More fragile than 7 in 10 founders who took this", as the JSON says it
	BelowInTen int
	SameInTen  int
	AboveInTen int
}

// Sample says how many founders the comparison is drawn from, and since when.
func (b benchmarkView) Sample() string {
	return "Compared with the " + strconv.Itoa(b.Of) + " founders who took this since " + b.Since +
		"; submits that looked automated are left out."
}

// viewOf is where the founder of a, answered under q, stands among
// the comparable results of q's version; nothing below the content's
// minimum.
func (b *benchmarks) viewOf(ctx context.Context, q *assessment.Questionnaire, a *assessment.Assessment) benchmarkView {
	figures, ok := b.of(ctx, a.QuestionnaireVersion)
	if !ok {
		return benchmarkView{}
	}
	standings := figures.Stand(a.Result, q.BenchmarkMinimum())
	if len(standings) == 0 {
		return benchmarkView{}
	}
	byID := make(map[string]assessment.Standing, len(standings))
	for _, s := range standings {
		byID[s.Criterion] = s
	}
	v := benchmarkView{Of: figures.Count, Since: sinceWords(figures.Since, b.now()),
		SinceISO: figures.Since.UTC().Format(time.DateOnly), Minimum: q.BenchmarkMinimum()}
	// In the order the result page lists criteria.
	for _, c := range page.CriterionViews(q, a.Result) {
		s, ok := byID[c.ID]
		if !ok {
			continue
		}
		var compared assessment.Compared
		if def, ok := q.Criterion(c.ID); ok {
			compared = def.Compared
		}
		v.Standings = append(v.Standings, standingView{Criterion: c.ID, Label: c.Label, Phrase: standingPhrase(compared, s),
			Sentence: standingSentence(compared, s), BelowInTen: s.BelowInTen(), SameInTen: s.SameInTen(), AboveInTen: s.AboveInTen()})
	}
	return v
}

// standingSentence says where one score sits: "More fragile than 7 in 10
// founders who took this", "Steadier than 6 in 10 …", or, when half or
// more scored the same, "The same as 8 in 10 …". The page shows it short
// (standingPhrase), under a heading that names the founders.
func standingSentence(compared assessment.Compared, s assessment.Standing) string {
	return capitalize(standingPhrase(compared, s)) + " founders who took this"
}

// standingPhrase is standingSentence without its founders: "more fragile
// than 7 in 10", "the same as 8 in 10". It names the side more founders
// are on, rounded down to tenths, so it never claims more than is so.
func standingPhrase(compared assessment.Compared, s assessment.Standing) string {
	below, same, above := s.BelowInTen(), s.SameInTen(), s.AboveInTen()
	switch {
	case same >= 5 || below == 0 && above == 0:
		return "the same as " + strconv.Itoa(same) + " in 10"
	case below >= above:
		return wordsOr(compared.Higher, "higher") + " than " + strconv.Itoa(below) + " in 10"
	}
	return wordsOr(compared.Lower, "lower") + " than " + strconv.Itoa(above) + " in 10"
}

func wordsOr(words, fallback string) string {
	if w := strings.TrimSpace(words); w != "" {
		return w
	}
	return fallback
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// sinceWords names the month of since, with its year when that is not
// now's year.
func sinceWords(since, now time.Time) string {
	since = since.UTC()
	if since.Year() == now.UTC().Year() {
		return since.Format("January")
	}
	return since.Format("January 2006")
}
