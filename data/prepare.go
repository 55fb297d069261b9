package data

import "sync/atomic"

// prepareEachTime, when set, makes stores opened afterwards prepare every
// statement each time it runs instead of keeping the hot ones prepared.
var prepareEachTime atomic.Bool

// PrepareEachTime is for tests that count statements with SQLite's
// authorizer, which sees a statement when it is compiled, not each time a
// kept statement runs again. With it on, every statement a store runs is
// compiled, so counted; the statements run are the same either way. It
// affects stores opened after the call.
func PrepareEachTime(on bool) { prepareEachTime.Store(on) }
