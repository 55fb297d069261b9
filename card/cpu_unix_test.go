//go:build unix

package card_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used, in user and system
// mode. On a machine shared with other work it measures a render's cost
// where wall-clock time measures the queue for the cores.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
