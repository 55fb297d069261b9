// Package account is the owner's way into the review area: the first-run
// setup that creates the owner account, sign-in (rate-limited) and
// sign-out, the server-side sessions behind the owner's cookie, and
// RequireOwner, the gate every other /admin page sits behind.
package account

import (
	"context"
	"errors"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
)

// Store is what the owner's account needs from storage.
type Store interface {
	CountOwners(ctx context.Context) (int, error)
	CreateFirstOwner(ctx context.Context, o *assessment.Owner) error
	FindOwnerByEmail(ctx context.Context, email string) (*assessment.Owner, error)
	CreateOwnerSession(ctx context.Context, s *assessment.OwnerSession) error
	FindOwnerSession(ctx context.Context, idHash string, now time.Time) (*assessment.OwnerSession, *assessment.Owner, error)
	TouchOwnerSession(ctx context.Context, idHash string, now time.Time) error
	DeleteOwnerSession(ctx context.Context, idHash string) error
	DeleteOwnerSessions(ctx context.Context, ownerID int64) (int64, error)
}

// Handler serves setup, sign-in and sign-out, and guards the rest of the
// review area. Its exported methods are what the site's route table names.
type Handler struct {
	area  *frame.Area
	store Store
	// failureDelay is how long a failed sign-in waits before it is
	// answered, to slow password guessing. Zero answers at once (tests).
	failureDelay time.Duration
	setup        setupToken
	signins      *signinLimiter
	hashSlots    chan struct{} // bounds concurrent argon2id checks
}

// New builds the owner's account pages; failureDelay slows each failed
// sign-in (zero answers at once).
func New(area *frame.Area, store Store, failureDelay time.Duration) (*Handler, error) {
	if area == nil || store == nil {
		return nil, errors.New("account: the review area and a store are required")
	}
	return &Handler{area: area, store: store, failureDelay: failureDelay,
		signins: newSigninLimiter(), hashSlots: make(chan struct{}, 4)}, nil
}
