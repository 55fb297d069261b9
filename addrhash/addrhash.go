// Package addrhash turns client network addresses into keyed pseudonyms:
// the same address always gives the same pseudonym under one key, so
// events from one client can be traced and counted together, but the
// address cannot be read back without the key. A plain hash would not do:
// there are only 2³² IPv4 addresses, and hashing them all takes minutes.
package addrhash

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/netip"
)

// MinKeyLen is the shortest key New accepts.
const MinKeyLen = 32

// Hasher makes the pseudonyms under one secret key.
type Hasher struct {
	key []byte
}

// New returns a Hasher keyed with key, which must be secret, random, at
// least MinKeyLen bytes, and kept across restarts: a new key gives every
// client a new pseudonym, which breaks the link to older log lines and
// stored drafts. Derive it from the server's secret with HKDF and a label
// of its own, rather than reusing another key.
func New(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLen {
		return nil, errors.New("address pseudonym key must be at least 32 bytes")
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Address is the pseudonym of one client address, for security events:
// who failed to sign in, who was locked out. An IPv4 address written as
// IPv6 (::ffff:192.0.2.1) gives the same pseudonym as itself, and a zone is
// ignored. The zero netip.Addr (an address that could not be read) gives "".
func (h *Hasher) Address(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap().WithZone("")
	return h.sum("address", addr, addr.BitLen())
}

// Network is the pseudonym of the network addr is in: its /24 for IPv4 and
// its /64 for IPv6, the block one home or office usually holds, so one
// client cannot pass a per-client cap by moving to the next address. It
// never equals an Address pseudonym. The zero netip.Addr gives "".
func (h *Hasher) Network(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	addr = addr.Unmap().WithZone("")
	bits := 64
	if addr.Is4() {
		bits = 24
	}
	return h.sum("network", netip.PrefixFrom(addr, bits).Masked().Addr(), bits)
}

// Attr is the address's pseudonym as a log attribute, client_hash, for a
// security event's log line. The address itself is never logged.
func (h *Hasher) Attr(addr netip.Addr) slog.Attr {
	return slog.String("client_hash", h.Address(addr))
}

// sum is the first 128 bits of HMAC-SHA256 over what the pseudonym is of,
// the address bytes and the prefix length, in hex: 32 characters, and
// beyond any chance of two clients colliding.
func (h *Hasher) sum(kind string, addr netip.Addr, bits int) string {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(kind))
	mac.Write([]byte{0, byte(bits)})
	mac.Write(addr.AsSlice())
	return hex.EncodeToString(mac.Sum(nil)[:16])
}
