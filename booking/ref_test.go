package booking_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/booking"
)

func TestRefs(t *testing.T) {
	key := []byte("a key of the server's own, thirty-two bytes or so")
	ref := booking.SignRef(key, 42)
	if id, ok := booking.OpenRef(key, ref); !ok || id != 42 {
		t.Errorf("OpenRef(SignRef(42)) = %d, %v; want 42, true", id, ok)
	}
	for _, bad := range []string{"42", "43" + ref[2:], ref + "x", ref[:21], "", ".", booking.SignRef([]byte("another key"), 42)} {
		if id, ok := booking.OpenRef(key, bad); ok {
			t.Errorf("OpenRef(%q) = %d, true; want it refused", bad, id)
		}
	}
}

// TestRefsRevealNoID: a reference is the same length whatever the id, and
// holds neither the id nor anything that counts with it: neighbours'
// references have nothing in common.
func TestRefsRevealNoID(t *testing.T) {
	key := []byte("a key of the server's own, thirty-two bytes or so")
	seen := map[string]bool{}
	for id := int64(1); id <= 2000; id++ {
		ref := booking.SignRef(key, id)
		if len(ref) != 22 || strings.ContainsAny(ref, ".+/=") {
			t.Fatalf("SignRef(%d) = %q, want 22 URL-safe characters", id, ref)
		}
		if strings.HasPrefix(ref, strconv.FormatInt(id, 10)) {
			t.Errorf("SignRef(%d) = %q starts with the id", id, ref)
		}
		if seen[ref[:6]] {
			t.Errorf("SignRef(%d) = %q shares its first characters with another id's", id, ref)
		}
		seen[ref[:6]] = true
	}
}

// TestLegacyRefsStillOpen: a link issued before references were sealed
// ("42.<MAC>") still brings its booking back; a forged one does not.
func TestLegacyRefsStillOpen(t *testing.T) {
	key := []byte("a key of the server's own, thirty-two bytes or so")
	m := hmac.New(sha256.New, key)
	m.Write([]byte("fitcheck booking reference 42"))
	legacy := "42." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
	if id, ok := booking.OpenRef(key, legacy); !ok || id != 42 {
		t.Errorf("OpenRef(%q) = %d, %v; want 42, true", legacy, id, ok)
	}
	if _, ok := booking.OpenRef(key, "43"+legacy[2:]); ok {
		t.Errorf("a legacy reference with another id opened")
	}
}
