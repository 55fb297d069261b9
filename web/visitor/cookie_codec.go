package visitor

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// compactSessions makes the visitor's session cookie cheap to read. The
// session holds two values, the draft id and when the cookie was issued,
// and gorilla's default gob encoding spends more CPU on them (building a
// decoder for the map's type on every request) than the rest of a step
// page costs. They are written as "fc1|<draft id>|<unix seconds>" instead,
// inside the same signed and encrypted envelope. Cookies issued before this
// encoding, and any session holding other values, still use gob, so no
// visitor loses their place when the server is upgraded.
func compactSessions(store *sessions.CookieStore) {
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(compactSerializer{})
		}
	}
}

// compactPrefix starts every compactly encoded session.
var compactPrefix = []byte("fc1|")

type compactSerializer struct{ gob securecookie.GobEncoder }

func (c compactSerializer) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	isNew, _ := values[unsavedKey].(bool)
	if want := 2 + boolInt(isNew); !ok || len(values) != want {
		return c.gob.Serialize(src)
	}
	draft, okDraft := values[draftKey].(string)
	issued, okIssued := values[issuedKey].(int64)
	if !okDraft || !okIssued || !isToken(draft) {
		return c.gob.Serialize(src)
	}
	b := make([]byte, 0, len(compactPrefix)+len(draft)+1+20+len(unsavedSuffix))
	b = append(b, compactPrefix...)
	b = append(b, draft...)
	b = append(b, '|')
	b = strconv.AppendInt(b, issued, 10)
	if isNew {
		b = append(b, unsavedSuffix...)
	}
	return b, nil
}

func (c compactSerializer) Deserialize(src []byte, dst any) error {
	rest, ok := bytes.CutPrefix(src, compactPrefix)
	if !ok {
		return c.gob.Deserialize(src, dst)
	}
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session: cannot decode into %T", dst)
	}
	rest, isNew := bytes.CutSuffix(rest, []byte(unsavedSuffix))
	draft, issuedText, ok := bytes.Cut(rest, []byte("|"))
	if !ok || !isToken(string(draft)) {
		return fmt.Errorf("session: malformed compact value")
	}
	issued, err := strconv.ParseInt(string(issuedText), 10, 64)
	if err != nil {
		return fmt.Errorf("session: issued time: %w", err)
	}
	if *values == nil {
		*values = make(map[any]any, 2)
	}
	(*values)[draftKey] = string(draft)
	(*values)[issuedKey] = issued
	if isNew {
		(*values)[unsavedKey] = true
	}
	return nil
}

// unsavedSuffix ends the compact value of a session whose draft has no row
// yet: "fc1|<draft id>|<unix seconds>|new".
const unsavedSuffix = "|new"

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isToken reports whether s could be a token from randomToken: non-empty
// and URL-safe base64 only, so it can never contain the separator.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '_':
		default:
			return false
		}
	}
	return true
}
