// Package password hashes and checks owner passwords with argon2id, and
// holds the rules a new password must meet.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules. Long passphrases are welcome; the upper bound only stops
// a megabyte "password" from being hashed.
const (
	MinLength = 12
	MaxLength = 1024
)

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane). They
// are stored with each hash, so raising them later leaves old hashes valid.
const (
	argonMemoryKiB = 19 * 1024
	argonPasses    = 2
	argonLanes     = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// CheckRules says what is wrong with a new password, or "".
func CheckRules(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return fmt.Sprintf("Please use at least %d characters. A few words strung together make a good passphrase.", MinLength)
	case len(pw) > MaxLength:
		return fmt.Sprintf("Please use at most %d characters.", MaxLength)
	case strings.TrimSpace(pw) == "":
		return "A password can't be only spaces."
	}
	return ""
}

// Hash hashes a password with argon2id in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func Hash(pw string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonPasses, argonMemoryKiB, argonLanes, argonKeyLen)
	return encodeHash(salt, key)
}

func encodeHash(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonPasses, argonLanes, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("malformed password hash")

// Check reports whether pw matches the stored hash, using the
// parameters stored with it and a constant-time comparison.
func Check(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, passes uint32
	var lanes uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &passes, &lanes); err != nil || lanes == 0 || passes == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, passes, mem, lanes, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when an email is unknown, so a sign-in for
// a missing account costs the same time as a wrong password. It has a real
// hash's form and parameters but a random key, which no password matches,
// so making it costs nothing. (Hashing a password for it at start-up took
// 19 MiB and most of the server's cold start.)
var dummyHash = randomHash()

func randomHash() string {
	salt, key := make([]byte, argonSaltLen), make([]byte, argonKeyLen)
	rand.Read(salt)
	rand.Read(key)
	return encodeHash(salt, key)
}

// CheckUnknownAccount does the work of Check for a sign-in whose account
// does not exist, so it takes as long as a wrong password and reads the same.
// It always reports false.
func CheckUnknownAccount(pw string) {
	Check(dummyHash, pw)
}
