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
