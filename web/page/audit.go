package page

import (
	"log/slog"
	"net/http"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/web/httpx"
)

// Audit logs security events: sign-ins, lock-outs, setup, sign-outs,
// deletes and exports, each with the request id, the account where there is
// one, and a keyed hash of the client's address, so one client's events can
// be linked without the log holding the address. Never a password, a token
// or a visitor's answers.
type Audit struct {
	Log   *slog.Logger
	Addrs *addrhash.Hasher // keyed, so a pseudonym cannot be reversed by trying addresses
}

// Event logs one security event.
func (a Audit) Event(r *http.Request, event, account string, attrs ...slog.Attr) {
	all := append([]slog.Attr{
		slog.String("security_event", event),
		slog.String("request_id", httpx.RequestID(r.Context())),
		slog.String("client", a.Addrs.Address(httpx.ClientAddr(r))),
	}, attrs...)
	if account != "" {
		all = append(all, slog.String("account", account))
	}
	a.Log.LogAttrs(r.Context(), slog.LevelInfo, "security event", all...)
}
