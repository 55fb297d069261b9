package web_test

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"
)

// goTestDefaultTimeout is the -timeout the go command passes when none is
// given.
const goTestDefaultTimeout = 10 * time.Minute

// browserSuiteTimeout bounds this package when nobody chose a -timeout: the
// browser tests drive Chromium through every page at two widths, light and
// dark, which takes a few minutes on a quiet machine and several times that
// on a loaded one. The go command's ten minutes would then be a wall-clock
// limit a busy CPU hits; every browser step has its own, generous deadline
// (browser_helpers_test.go), so a hang still ends with the step it hung on.
const browserSuiteTimeout = 45 * time.Minute

// TestMain gives the package the browser suite's timeout unless -timeout
// was set to something else, and stops the one Chromium that the browser
// tests share, if any of them started it.
func TestMain(m *testing.M) {
	flag.Parse()
	if timeout := flag.Lookup("test.timeout"); timeout != nil && timeout.Value.String() == goTestDefaultTimeout.String() {
		if err := timeout.Value.Set(browserSuiteTimeout.String()); err != nil {
			fmt.Fprintln(os.Stderr, "web tests: raise the timeout:", err)
			os.Exit(2)
		}
	}
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}
