// Package secevent logs security events (OWASP ASVS 16.2.1, 16.3.1): who
// signed in or failed to, who was locked out, who changed a password,
// deleted or exported. Each is one log line with the request id, the
// account where there is one, and a keyed pseudonym of the client address.
//
// An Event has no free-form field on purpose: there is nowhere to put a
// password, a token, a setup link or a visitor's answers, so none can
// reach the log by mistake.
package secevent

import (
	"context"
	"log/slog"
	"net/netip"

	"sessionplayer.studio/fitcheck/addrhash"
)

// Kind names what happened. The names are stable: operators alert on them.
type Kind string

// The events logged. Failures and lock-outs are warnings; the rest are
// information.
const (
	SignInFailed        Kind = "sign_in_failed"
	SignedIn            Kind = "signed_in"
	LockedOut           Kind = "locked_out" // a sign-in or post refused with 429
	SetupUsed           Kind = "setup_used" // the first owner created through the setup link
	PasswordChanged     Kind = "password_changed"
	SignedOutEverywhere Kind = "signed_out_everywhere"
	Deleted             Kind = "deleted"  // an assessment, by its visitor or an owner
	Exported            Kind = "exported" // a CSV export
)

// Event is one security event.
type Event struct {
	Kind      Kind
	RequestID string
	Account   string     // the owner's email, when there is one
	Client    netip.Addr // logged only as its keyed pseudonym
	Count     int64      // rows exported, sessions ended; 0 is left out
}

// Logger writes security events to a slog.Logger.
type Logger struct {
	log   *slog.Logger
	addrs *addrhash.Hasher
}

// New returns a Logger that writes to log and names clients by addrs.
func New(log *slog.Logger, addrs *addrhash.Hasher) *Logger {
	return &Logger{log: log, addrs: addrs}
}

// Record logs e as one line: msg "security event", then event, request_id,
// account (when given), client_hash and count (when not 0).
func (l *Logger) Record(ctx context.Context, e Event) {
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs, slog.String("event", string(e.Kind)), slog.String("request_id", e.RequestID))
	if e.Account != "" {
		attrs = append(attrs, slog.String("account", e.Account))
	}
	attrs = append(attrs, l.addrs.Attr(e.Client))
	if e.Count != 0 {
		attrs = append(attrs, slog.Int64("count", e.Count))
	}
	l.log.LogAttrs(ctx, level(e.Kind), "security event", attrs...)
}

func level(k Kind) slog.Level {
	switch k {
	case SignInFailed, LockedOut:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
