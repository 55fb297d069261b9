package result

import (
	"testing"
	"time"
)

// TestCardRendersAreSpacedForEveryone: however many clients ask at once,
// draws of cards not kept start cardRenderInterval apart, and a request
// whose turn would come after cardRenderMaxWait is refused at once.
func TestCardRendersAreSpacedForEveryone(t *testing.T) {
	c := newCardRenders()
	now := time.Unix(1000, 0)
	allowed := int(cardRenderMaxWait/cardRenderInterval) + 1
	for i := range allowed {
		wait, ok := c.reserve(now)
		if want := time.Duration(i) * cardRenderInterval; !ok || wait != want {
			t.Fatalf("request %d at once: wait %v, %v; want %v, true", i+1, wait, ok, want)
		}
	}
	if wait, ok := c.reserve(now); ok {
		t.Errorf("request %d at once was given a turn %v away; want it refused (over %v)", allowed+1, wait, cardRenderMaxWait)
	}
	later := now.Add(time.Duration(allowed) * cardRenderInterval)
	if wait, ok := c.reserve(later); !ok || wait != 0 {
		t.Errorf("a request once the turns have passed: wait %v, %v; want 0, true", wait, ok)
	}
}
