package data

import (
	"io/fs"
	"log/slog"
	"time"
)

// Option changes how Open sets a store up.
type Option func(*openOptions)

type openOptions struct {
	prepareEachTime bool
	log             *slog.Logger
	observeCommit   func(writes int)
	wait            time.Duration
	migrations      fs.FS // tests: migrations other than the embedded ones
}

// fill gives what was not set its default.
func (o *openOptions) fill() {
	if o.log == nil {
		o.log = slog.Default()
	}
}

// WaitFor makes Open keep trying a PostgreSQL server that does not answer
// yet (still starting, or its network not up) for up to d, with a growing
// pause between tries and a log line for each, instead of failing at once.
// A database that comes up a few seconds after fitcheck is then not an
// outage. SQLite is a local file and never waits.
func WaitFor(d time.Duration) Option {
	return func(o *openOptions) { o.wait = d }
}

// ObserveCommits calls fn after every commit of visitor-facing writes
// (submits, saved steps, funnel rows, capped drafts) with how many writes
// it carried: on SQLite the size of each group-commit batch, on PostgreSQL
// always 1. It is how metrics see batch sizes without the store knowing
// about metrics. fn runs on the writer's goroutine, so it must be quick.
func ObserveCommits(fn func(writes int)) Option {
	return func(o *openOptions) { o.observeCommit = fn }
}

// Logger sends what the store reports on its own (a database file it made
// private, a checkpoint it could not finish) to log instead of
// slog.Default().
func Logger(log *slog.Logger) Option {
	return func(o *openOptions) { o.log = log }
}

// PrepareEachTime makes the store prepare every statement each time it runs
// instead of keeping the hot ones prepared. It is for tests that count
// statements with SQLite's authorizer, which sees a statement when it is
// compiled, not each time a kept statement runs again: with it, every
// statement the store runs is compiled, so counted. The statements run are
// the same either way.
func PrepareEachTime() Option {
	return func(o *openOptions) { o.prepareEachTime = true }
}
