package assessment

import (
	"crypto/rand"
	"encoding/base64"
)

// NewDraftID names a new draft: 32 random bytes, URL-safe.
func NewDraftID() string { return randomToken(32) }

// NewShareToken names a stored result in its share link: 18 random bytes
// (144 bits, beyond guessing), 24 URL-safe characters.
func NewShareToken() string { return randomToken(18) }

// NewOwnerSecret is an owner's session id or the one-time setup token: 32
// random bytes, URL-safe.
func NewOwnerSecret() string { return randomToken(32) }

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails: crypto/rand panics rather than return an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// shareTokenLength is the length of a share token: 18 bytes, base64url.
const shareTokenLength = 24

// IsShareToken reports whether s has the shape of a share token from
// NewShareToken (24 URL-safe base64 characters), so junk addresses are
// turned away before they reach the database. It is checked on every
// result request, so it is a loop rather than a regular expression.
func IsShareToken(s string) bool {
	if len(s) != shareTokenLength {
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
