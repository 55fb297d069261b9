package booking_test

import (
	"testing"

	"sessionplayer.studio/fitcheck/booking"
)

func TestRefs(t *testing.T) {
	key := []byte("a key of the server's own, thirty-two bytes or so")
	ref := booking.SignRef(key, 42)
	if id, ok := booking.OpenRef(key, ref); !ok || id != 42 {
		t.Errorf("OpenRef(SignRef(42)) = %d, %v; want 42, true", id, ok)
	}
	for _, bad := range []string{"42", "43" + ref[2:], ref + "x", "", ".", booking.SignRef([]byte("another key"), 42)} {
		if id, ok := booking.OpenRef(key, bad); ok {
			t.Errorf("OpenRef(%q) = %d, true; want it refused", bad, id)
		}
	}
}
