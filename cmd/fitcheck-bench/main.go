// Command fitcheck-bench measures the real fitcheck server on loopback and
// sets its figures beside the machine's own ceiling, measured in the same run:
// for each read route a bare net/http handler sending the bytes and headers
// that route sent, and raw SQLite inserts of the same row with the same
// settings.
//
//	go run ./cmd/fitcheck-bench              # print the table
//	go run ./cmd/fitcheck-bench -write-docs  # and write it into docs/performance.md
//	go run ./cmd/fitcheck-bench -profile /tmp/prof -duration 20s  # CPU profiles of each window
//
// The load comes from wrk (Debian's package: sudo apt-get install wrk),
// which outruns the server; the submits, each needing a draft of its own,
// come from the bench's own Go generator. On a machine with two or more
// cores the server (and each ceiling) runs on CPU 0 and the load generator
// on CPU 1, via taskset. Every row reports the CPU the server, the
// generator and everything else used; a ratio to bare is printed only when
// the server kept its core at least 95% busy. Everything it starts listens
// on 127.0.0.1 and is stopped before it returns.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fitcheck-bench:", err)
		os.Exit(1)
	}
}
