package assessment

import "time"

// Owner is someone who may sign in to the review area: the consultant, and
// anyone they add.
type Owner struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OwnerSession is a signed-in owner's session. Only the SHA-256 of the
// session id is stored, so a copy of the database cannot be used to sign in.
type OwnerSession struct {
	IDHash     string
	OwnerID    int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute: the session ends then, however active
}

// Owner session lifetimes: idle sessions end after IdleTimeout, every
// session after SessionLifetime.
const (
	OwnerIdleTimeout     = 12 * time.Hour
	OwnerSessionLifetime = 7 * 24 * time.Hour
)
