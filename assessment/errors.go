package assessment

import "errors"

// Error kinds the other packages map to what a visitor sees.
var (
	// ErrConflict means the change clashes with what is stored: an email that is
	// already taken, or a first owner when one exists already.
	ErrConflict = errors.New("conflict")
	// ErrNotFound means the thing asked for does not exist (or has expired).
	ErrNotFound = errors.New("not found")
	// ErrUnavailable means storage is shutting down; the same request will
	// work again once the server is back.
	ErrUnavailable = errors.New("temporarily unavailable")
	// ErrTooMany means one client already holds as many of something as it
	// may (open drafts, for one); it can go on once some are finished or
	// have expired.
	ErrTooMany = errors.New("too many")
)
