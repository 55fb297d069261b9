package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// pinnedEnv marks the copy of the bench that runs pinned to the load
// generator's CPU, so it does not re-exec itself again.
const pinnedEnv = "FITCHECK_BENCH_PINNED"

// options is what the bench can be told.
type options struct {
	Duration  time.Duration // measuring time per route
	Warmup    time.Duration // unmeasured load before each route
	Clients   int           // concurrent clients, each with a kept-alive connection
	Submits   int           // drafts prepared for the submit route, each submitted once
	Gzip      bool          // send Accept-Encoding: gzip, as every browser does
	WriteDocs bool
	Docs      string // where -write-docs writes
	Dir       string // where the databases live (the disk matters for fsync)
	Keep      bool   // keep the databases and server logs
	Profile   string // where to write CPU profiles of each measured window; "" for none
	Postgres  string // a PostgreSQL database for the submit row beside SQLite's; "" for none
	Args      []string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "bare":
			return runBare(ctx, args[1:])
		case "sqlite-ceiling":
			return runSQLiteCeiling(ctx, args[1:], stdout)
		case "fill":
			return runFill(ctx, args[1:], stdout, stderr)
		case "desk":
			return runDesk(ctx, args[1:], stdout, stderr)
		}
	}
	var o options
	fs := flag.NewFlagSet("fitcheck-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.Duration, "duration", 5*time.Second, "measuring time per route, bare ceiling and the raw SQLite ceiling; whole seconds (wrk counts in seconds)")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "unmeasured load before each route and ceiling; whole seconds, 0 for none")
	fs.IntVar(&o.Clients, "clients", 100, "concurrent clients, each on its own kept-alive connection")
	fs.IntVar(&o.Submits, "submits", 3000, "drafts prepared for the submit route; each is submitted once, so this bounds that route")
	fs.BoolVar(&o.Gzip, "gzip", true, "ask for gzip responses, as browsers do")
	fs.BoolVar(&o.WriteDocs, "write-docs", false, "write the table into docs/performance.md")
	fs.StringVar(&o.Docs, "docs", "docs/performance.md", "file -write-docs writes, relative to the module root")
	fs.StringVar(&o.Dir, "dir", "", "directory for the databases and the built binary (default: the system temp dir)")
	fs.StringVar(&o.Postgres, "postgres", os.Getenv("FITCHECK_BENCH_POSTGRES"), "a postgres:// URL of an empty database: measure the submit route on PostgreSQL too, in the same run, beside SQLite's (default $FITCHECK_BENCH_POSTGRES)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the databases, server logs and wrk scripts, and print where they are")
	fs.StringVar(&o.Profile, "profile", "", "write a CPU profile (1000 Hz) of each measured window into this directory: ROUTE.pprof for the server (built with a signal-driven profiler added by -overlay) and bare-ROUTE.pprof for its bare ceiling; profiling costs a few percent, so its figures are not for -write-docs")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./cmd/fitcheck-bench [flags]\n\n"+
			"Starts the real server on loopback, loads each route, and prints the figures\n"+
			"beside bare net/http handlers sending the same bytes and raw SQLite inserts,\n"+
			"measured in the same run. The load comes from wrk (sudo apt-get install wrk),\n"+
			"except the submits, which each need a draft of their own and come from the\n"+
			"bench's Go generator. With two cores the server runs on CPU 0 and the\n"+
			"generator on CPU 1. A row compared with bare counts only when the server\n"+
			"kept its core at least 95% busy; otherwise its ratios read \"not measured\".\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.Clients < 1 || o.Submits < 1 || o.Duration <= 0 || o.Warmup < 0 {
		return errors.New("-clients, -submits and -duration must be positive, -warmup not negative")
	}
	if o.Duration%time.Second != 0 || o.Warmup%time.Second != 0 {
		return errors.New("-duration and -warmup must be whole seconds: wrk counts in seconds")
	}
	if o.Profile != "" && o.WriteDocs {
		return errors.New("-profile slows the server a little: its figures are not for -write-docs")
	}
	o.Args = args
	// Before re-executing pinned, so the advice is printed once.
	if _, err := findWrk(); err != nil {
		return err
	}
	if os.Getenv(pinnedEnv) == "" && canPin() {
		return reexecPinned(ctx, args, stdout, stderr)
	}
	return bench(ctx, o, stdout, stderr)
}

// canPin reports whether the server and the load generator can each have a
// CPU of their own.
func canPin() bool {
	if _, err := exec.LookPath("taskset"); err != nil {
		return false
	}
	return machineCPUs() >= 2
}

// reexecPinned runs this same program again on CPU 1, leaving CPU 0 to the
// server. Its GOMAXPROCS then follows the affinity mask: 1.
func reexecPinned(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	cmd := exec.CommandContext(ctx, "taskset", append([]string{"-c", generatorCPU, self}, args...)...)
	cmd.Env = append(os.Environ(), pinnedEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	return cmd.Run()
}

// The CPUs each side runs on when pinned.
const (
	serverCPU    = "0"
	generatorCPU = "1"
)

func pinned() bool { return os.Getenv(pinnedEnv) == "1" }

// moduleRoot is the directory holding fitcheck's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the bench from inside the fitcheck module")
	}
	return filepath.Dir(gomod), nil
}

func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "· "+format+"\n", args...)
}
