package httpx

import (
	"syscall"
	"testing"
)

// niceOfThisThread is the calling thread's nice value (Linux's raw
// getpriority gives 20 - nice).
func niceOfThisThread(t *testing.T) int {
	t.Helper()
	prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatalf("getpriority: %v", err)
	}
	return 20 - prio
}

// TestRunNicedLowersOnlyItsOwnThread: fn runs at the lower priority, and
// the caller's thread (and so every other request) keeps its own; a panic
// in fn reaches the caller.
func TestRunNicedLowersOnlyItsOwnThread(t *testing.T) {
	before := niceOfThisThread(t)
	var inside int
	RunNiced(func() { inside = niceOfThisThread(t) })
	if inside != before+niceness && inside != 19 {
		t.Errorf("nice inside RunNiced = %d, want %d (the caller's %d lowered by %d)", inside, before+niceness, before, niceness)
	}
	if after := niceOfThisThread(t); after != before {
		t.Errorf("the caller's nice after RunNiced = %d, want %d", after, before)
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v from RunNiced, want the panic of fn", p)
		}
	}()
	RunNiced(func() { panic("boom") })
}
