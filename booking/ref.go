package booking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// A booking link carries a reference to the assessment, which the
// provider's webhook sends back. Assessment ids are small sequential
// numbers, and anyone can make a booking whose utm_content or metadata says
// "12"; so the reference is the id with a keyed MAC, and a booking names an
// assessment only when its MAC holds.

// SignRef is the reference for assessment id under key: "42.<MAC>".
func SignRef(key []byte, id int64) string {
	n := strconv.FormatInt(id, 10)
	return n + "." + refMAC(key, n)
}

// OpenRef reads a reference made by SignRef with key, reporting the id
// and whether the reference is genuine.
func OpenRef(key []byte, ref string) (int64, bool) {
	n, mac, ok := strings.Cut(strings.TrimSpace(ref), ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(refMAC(key, n))) {
		return 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	return id, err == nil && id > 0
}

func refMAC(key []byte, n string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("fitcheck booking reference " + n))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}
