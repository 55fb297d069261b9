package httpx

// RunNiced runs fn on an operating-system thread of its own at a lower
// scheduling priority, and waits for it: CPU-heavy work one person asked
// for (a long report) then gives way to everyone else's requests when the
// cores are busy, rather than sharing them evenly. The thread ends with
// fn, so its priority never reaches other work. A panic in fn is raised
// again in the caller, where the handler's recovery sees it. Where the
// platform cannot lower one thread's priority, fn simply runs.
func RunNiced(fn func()) {
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		lowerThreadPriority()
		fn()
	}()
	if p := <-done; p != nil {
		panic(p)
	}
}
