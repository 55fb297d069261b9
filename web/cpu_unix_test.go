//go:build unix

package web_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used, in user and system
// mode, every goroutine and the collector included: on a shared machine it
// measures a request's cost where wall-clock time also measures the queue
// for the cores.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
