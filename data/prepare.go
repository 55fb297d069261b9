package data

// Option changes how Open sets a store up.
type Option func(*openOptions)

type openOptions struct {
	prepareEachTime bool
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
