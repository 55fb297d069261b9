//go:build !linux

package httpx

// lowerThreadPriority does nothing where one thread's priority cannot be
// set on its own.
func lowerThreadPriority() {}
