package frame

import (
	"context"

	"sessionplayer.studio/fitcheck/assessment"
)

type ownerKey struct{}

// WithOwner is ctx carrying the owner signed in on its request; the gate in
// front of the review area (account.Handler.RequireOwner) puts it there.
func WithOwner(ctx context.Context, o *assessment.Owner) context.Context {
	return context.WithValue(ctx, ownerKey{}, o)
}

// CurrentOwner is the signed-in owner of an /admin request, or nil.
func CurrentOwner(ctx context.Context) *assessment.Owner {
	o, _ := ctx.Value(ownerKey{}).(*assessment.Owner)
	return o
}
