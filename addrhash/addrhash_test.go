package addrhash_test

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/addrhash"
)

func mustNew(t *testing.T, key string) *addrhash.Hasher {
	t.Helper()
	h, err := addrhash.New([]byte(key))
	if err != nil {
		t.Fatalf("New = %v", err)
	}
	return h
}

const key = "0123456789abcdef0123456789abcdef"

func TestNetwork(t *testing.T) {
	h := mustNew(t, key)
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.254", true},                // one /24
		{"192.0.2.1", "192.0.3.1", false},                 // the next /24
		{"::ffff:192.0.2.1", "192.0.2.9", true},           // IPv4 written as IPv6
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true}, // one /64
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},     // the next /64
		{"fe80::1%eth0", "fe80::2", true},                 // zone ignored
		{"192.0.2.1", "::ffff:c000:201", true},
	}
	for _, tt := range tests {
		a, b := h.Network(netip.MustParseAddr(tt.a)), h.Network(netip.MustParseAddr(tt.b))
		if (a == b) != tt.same {
			t.Errorf("Network(%s) = %s, Network(%s) = %s; same = %v, want %v", tt.a, a, tt.b, b, a == b, tt.same)
		}
	}
}

func TestAddress(t *testing.T) {
	h := mustNew(t, key)
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false}, // same /24, different clients
		{"::ffff:192.0.2.1", "192.0.2.1", true},
		{"2001:db8::1", "2001:db8::2", false},
	}
	for _, tt := range tests {
		a, b := h.Address(netip.MustParseAddr(tt.a)), h.Address(netip.MustParseAddr(tt.b))
		if (a == b) != tt.same {
			t.Errorf("Address(%s) = %s, Address(%s) = %s; same = %v, want %v", tt.a, a, tt.b, b, a == b, tt.same)
		}
	}
	ip := netip.MustParseAddr("192.0.2.0")
	if h.Address(ip) == h.Network(ip) {
		t.Errorf("Address(%s) = Network(%s) = %s, want them apart", ip, ip, h.Address(ip))
	}
	if got := h.Address(netip.Addr{}); got != "" {
		t.Errorf("Address(zero) = %q, want \"\"", got)
	}
	if got := h.Network(netip.Addr{}); got != "" {
		t.Errorf("Network(zero) = %q, want \"\"", got)
	}
}

// TestPseudonymsHideTheAddress checks the address cannot be read from its
// pseudonym, which depends on the key: another key gives another one.
func TestPseudonymsHideTheAddress(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.1")
	h, other := mustNew(t, key), mustNew(t, strings.Repeat("k", 32))
	if h.Address(ip) == other.Address(ip) || h.Network(ip) == other.Network(ip) {
		t.Errorf("two keys give the same pseudonym for %s", ip)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("sign-in failed", h.Attr(ip))
	if strings.Contains(logs.String(), "192.0.2") || !strings.Contains(logs.String(), "client_hash="+h.Address(ip)) {
		t.Errorf("log line = %q, want client_hash=%s and no address", logs.String(), h.Address(ip))
	}
	if len(h.Address(ip)) != 32 {
		t.Errorf("Address(%s) = %q, want 32 hex characters", ip, h.Address(ip))
	}
}

func TestNewRefusesShortKeys(t *testing.T) {
	if _, err := addrhash.New([]byte("short")); err == nil {
		t.Errorf("New(5 bytes) = nil error, want a refusal")
	}
}
