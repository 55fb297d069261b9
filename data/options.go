package data

import "log/slog"

// Option changes how Open sets a store up.
type Option func(*openOptions)

type openOptions struct {
	prepareEachTime bool
	log             *slog.Logger
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
