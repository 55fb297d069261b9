package booking

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// A booking link carries a reference to the assessment, which the
// provider's webhook sends back. Assessment ids are small sequential
// numbers: a bare id would tell whoever sees the link (anyone with the
// share link can open /book) how many assessments there are, and anyone
// could make a booking whose utm_content or metadata says "12". So the
// reference is the id sealed under the server's key: one AES block holding
// the id and a MAC of it, 22 characters that reveal nothing and that only
// the server can make or open.

// SignRef is the reference for assessment id under key: 22 characters of
// base64url, the same for the same id.
func SignRef(key []byte, id int64) string {
	var block [16]byte
	binary.BigEndian.PutUint64(block[:8], uint64(id))
	copy(block[8:], refTag(key, block[:8]))
	refCipher(key).Encrypt(block[:], block[:])
	return base64.RawURLEncoding.EncodeToString(block[:])
}

// OpenRef reads a reference made by SignRef with key, reporting the id
// and whether the reference is genuine. A reference of the earlier form,
// "42.<MAC>", still opens, so a booking made through a link issued before
// references were sealed comes back too.
func OpenRef(key []byte, ref string) (int64, bool) {
	ref = strings.TrimSpace(ref)
	if strings.Contains(ref, ".") {
		return openLegacyRef(key, ref)
	}
	b, err := base64.RawURLEncoding.DecodeString(ref)
	if err != nil || len(b) != 16 {
		return 0, false
	}
	refCipher(key).Decrypt(b, b)
	if !hmac.Equal(b[8:], refTag(key, b[:8])) {
		return 0, false
	}
	id := int64(binary.BigEndian.Uint64(b[:8]))
	return id, id > 0
}

// refCipher is AES-256 under a key of its own, derived from key.
func refCipher(key []byte) cipher.Block {
	c, err := aes.NewCipher(derive(key, "fitcheck booking reference cipher"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	return c
}

// refTag is the first 8 bytes of a MAC of the id's bytes: a forged
// reference opens with a chance of one in 2⁶⁴.
func refTag(key, id []byte) []byte {
	m := hmac.New(sha256.New, derive(key, "fitcheck booking reference tag"))
	m.Write(id)
	return m.Sum(nil)[:8]
}

func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// openLegacyRef opens the earlier "42.<MAC>" form.
func openLegacyRef(key []byte, ref string) (int64, bool) {
	n, mac, ok := strings.Cut(ref, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(legacyRefMAC(key, n))) {
		return 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	return id, err == nil && id > 0
}

func legacyRefMAC(key []byte, n string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("fitcheck booking reference " + n))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}
