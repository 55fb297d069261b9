// Command fitcheck serves the fitcheck assessment and checks content files.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		reportFailure(os.Stderr, os.Args[1:], os.Getenv, err)
		os.Exit(1)
	}
}
