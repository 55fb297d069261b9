package main

// This file is compiled into the bench (for its bare ceiling) and, only
// when the bench runs with -profile, into the fitcheck server it builds,
// through `go build -overlay`: it must stay a self-contained file of
// package main that names nothing outside itself. Without its environment
// variable it does nothing.

import (
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// benchProfileEnv names the directory a process writes its CPU profile to.
const benchProfileEnv = "BENCH_CPUPROFILE_DIR"

// benchProfileHz is the sampling rate: the default 100 Hz gives too few
// samples in a few seconds to split a 20 µs request into its parts.
const benchProfileHz = 1000

func init() {
	if dir := os.Getenv(benchProfileEnv); dir != "" {
		go benchProfileOnSignal(dir)
	}
}

// benchProfileOnSignal profiles the process between a SIGUSR1 and the next
// SIGUSR2, into dir/cpu.pprof. The file dir/profiling exists exactly while
// the profile runs, so the bench knows when it has started and when the
// profile is complete.
func benchProfileOnSignal(dir string) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	marker := filepath.Join(dir, "profiling")
	var out *os.File
	for s := range sig {
		switch {
		case s == syscall.SIGUSR1 && out == nil:
			f, err := os.Create(filepath.Join(dir, "cpu.pprof"))
			if err != nil {
				continue
			}
			// Set before StartCPUProfile, which then keeps this rate (and
			// says on stderr that it could not set its own).
			runtime.SetCPUProfileRate(benchProfileHz)
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				continue
			}
			out = f
			os.WriteFile(marker, nil, 0o644)
		case s == syscall.SIGUSR2 && out != nil:
			pprof.StopCPUProfile()
			out.Close()
			out = nil
			os.Remove(marker)
		}
	}
}
