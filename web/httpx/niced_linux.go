package httpx

import (
	"runtime"
	"syscall"
)

// niceness is how much lower a niced thread's priority is (0 normal, 19
// lowest): enough to yield to request threads, not so much that it
// starves on a busy machine.
const niceness = 10

// lowerThreadPriority locks the goroutine to its thread, for good (the
// thread is discarded when the goroutine ends), and lowers that thread's
// priority: on Linux setpriority with a thread id sets one thread's.
func lowerThreadPriority() {
	runtime.LockOSThread()
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), niceness)
}
