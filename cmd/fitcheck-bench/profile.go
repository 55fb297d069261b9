package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// signalProfileSource is signalprofile.go, built into the server with
// -overlay when the bench profiles it: the server's own code is unchanged.
//
//go:embed signalprofile.go
var signalProfileSource []byte

// profiler writes a CPU profile of each measured window (the server's
// and each bare ceiling's) into out, as ROUTE.pprof and bare-ROUTE.pprof.
// A nil profiler profiles nothing.
type profiler struct {
	out     string
	scratch string // each process's own profile directory lives under it
}

func newProfiler(out, scratch string) (*profiler, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	return &profiler{out: out, scratch: filepath.Join(scratch, "profiles")}, nil
}

// overlay writes the -overlay file that adds signalprofile.go to
// ./cmd/fitcheck, and returns its path.
func (p *profiler) overlay(root string) (string, error) {
	if err := os.MkdirAll(p.scratch, 0o755); err != nil {
		return "", err
	}
	src := filepath.Join(p.scratch, "signalprofile.go")
	if err := os.WriteFile(src, signalProfileSource, 0o644); err != nil {
		return "", err
	}
	b, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "cmd", "fitcheck", "zz_bench_signalprofile.go"): src},
	})
	if err != nil {
		return "", err
	}
	path := filepath.Join(p.scratch, "overlay.json")
	return path, os.WriteFile(path, b, 0o644)
}

// env is what a process named name needs in its environment to be
// profiled on signal.
func (p *profiler) env(name string) []string {
	if p == nil {
		return nil
	}
	dir := filepath.Join(p.scratch, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil // start will say the profile did not begin
	}
	return []string{benchProfileEnv + "=" + dir}
}

// dir is the profile directory of the process started with env.
func (p *profiler) dir(proc *process) string {
	for _, kv := range proc.cmd.Env {
		if v, ok := strings.CutPrefix(kv, benchProfileEnv+"="); ok {
			return v
		}
	}
	return ""
}

// start begins proc's profile and returns once it runs.
func (p *profiler) start(ctx context.Context, proc *process) error {
	if p == nil {
		return nil
	}
	dir := p.dir(proc)
	if dir == "" {
		return errors.New("the process was not started to be profiled")
	}
	if err := proc.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return err
	}
	return waitFor(ctx, func() bool { return exists(filepath.Join(dir, "profiling")) }, "the profile to start")
}

// stop ends proc's profile and files it as name.pprof.
func (p *profiler) stop(ctx context.Context, proc *process, name string) error {
	if p == nil {
		return nil
	}
	dir := p.dir(proc)
	if err := proc.cmd.Process.Signal(syscall.SIGUSR2); err != nil {
		return err
	}
	if err := waitFor(ctx, func() bool { return !exists(filepath.Join(dir, "profiling")) }, "the profile to be written"); err != nil {
		return err
	}
	return os.Rename(filepath.Join(dir, "cpu.pprof"), filepath.Join(p.out, name+".pprof"))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func waitFor(ctx context.Context, cond func() bool, what string) error {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("waited 10s for %s", what)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}
