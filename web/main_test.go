package web_test

import (
	"os"
	"testing"
)

// TestMain stops the one Chromium that the browser tests share, if any of
// them started it.
func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}
