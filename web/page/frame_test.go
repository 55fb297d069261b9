package page

import (
	"net/http/httptest"
	"testing"
)

// TestFramedPagesAreNeverKept: a page rendered for the frame carries one
// visitor's draft reference, so the page memory shared by everyone refuses
// it, however a handler comes to ask.
func TestFramedPagesAreNeverKept(t *testing.T) {
	r := WithFrame(httptest.NewRequest("GET", "/embed", nil), "a-visitors-reference")
	if p, err := Kept(r.Context(), FrameFields(), false); err == nil || p != nil {
		t.Errorf("Kept(a framed page) = %v, %v; want it refused", p, err)
	}
	plain := httptest.NewRequest("GET", "/", nil)
	if _, err := Kept(plain.Context(), FrameFields(), false); err != nil {
		t.Errorf("Kept(a page outside the frame) = %v, want it kept", err)
	}
}
