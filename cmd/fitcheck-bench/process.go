package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server the bench started: the real fitcheck, or a ceiling.
type process struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan error

	stopOnce sync.Once
	stopErr  error
}

// startProcess runs bin with args (and env added to the bench's own),
// pinned to the server CPU when the bench is pinned, with output going to
// logPath rather than through the bench, so the server's request log costs
// the generator nothing.
func startProcess(bin string, args []string, logPath string, env ...string) (*process, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	name, argv := bin, args
	if pinned() {
		name, argv = "taskset", append([]string{"-c", serverCPU, bin}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, log: log, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

// cleanEnv is the bench's environment without fitcheck's own settings, so
// a developer's FITCHECK_DB or session key cannot leak into the run.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FITCHECK_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady polls url until it answers 200 and returns how long that took
// since the process was started.
func (p *process) waitReady(ctx context.Context, url string, started time.Time, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			return 0, fmt.Errorf("%s exited before it answered: %v (log: %s)", p.cmd.Path, err, p.log.Name())
		case <-ctx.Done():
			return 0, ctx.Err()
		default:
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(started), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("%s did not answer %s within %s (log: %s)", p.cmd.Path, url, timeout, p.log.Name())
}

// stop asks the process to shut down gracefully, and kills it if it will
// not. Only the first call does anything.
func (p *process) stop() error {
	p.stopOnce.Do(func() { p.stopErr = p.terminate() })
	return p.stopErr
}

func (p *process) terminate() error {
	defer p.log.Close()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
			return nil // a ceiling server ends on the signal itself
		}
		return err
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s ignored SIGTERM for 15s and was killed", p.cmd.Path)
	}
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// freeAddr finds a loopback port nobody is using. The port is free when this
// returns; the server binds it a moment later.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat; it
// is 100 on every Linux architecture Go supports.
const clockTicks = 100

// cpuTime is the CPU time (user + system) a process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// ownCPUTime is the CPU time this process has used so far.
func ownCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// openFiles counts a process's file descriptors open on path: for a
// SQLite database, one per connection.
func openFiles(pid int, path string) int {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(dir + "/" + e.Name()); err == nil && target == path {
			n++
		}
	}
	return n
}

// peakRSS is a process's resident set high-water mark (VmHWM).
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmHWM %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/PID/status")
}

// cpuBusy is how long each CPU of the machine has been busy so far (user,
// nice, system, interrupts and time stolen by the hypervisor), from
// /proc/stat, indexed by CPU number.
func cpuBusy() ([]time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, err
	}
	var out []time.Duration
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 9 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(f[0], "cpu"))
		if err != nil {
			return nil, fmt.Errorf("parse /proc/stat %q", f[0])
		}
		var ticks int64
		// user nice system idle iowait irq softirq steal: all but idle and iowait.
		for _, i := range []int{1, 2, 3, 6, 7, 8} {
			v, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("parse /proc/stat %s: %w", f[0], err)
			}
			ticks += v
		}
		for len(out) <= n {
			out = append(out, 0)
		}
		out[n] = time.Duration(ticks) * time.Second / clockTicks
	}
	if len(out) == 0 {
		return nil, errors.New("no CPUs in /proc/stat")
	}
	return out, nil
}

// window measures the CPU a route's run used: the server's, the bench's
// own, and every CPU's, from before the load starts until it ends.
type window struct {
	pid     int
	began   time.Time
	server0 time.Duration
	self0   time.Duration
	busy0   []time.Duration
}

func startWindow(pid int) (*window, error) {
	server0, err := cpuTime(pid)
	if err != nil {
		return nil, err
	}
	busy0, err := cpuBusy()
	if err != nil {
		return nil, err
	}
	return &window{pid: pid, began: time.Now(), server0: server0, self0: ownCPUTime(), busy0: busy0}, nil
}

// end fills in m's CPU figures. generator is the CPU of a load generator
// running as a process of its own (wrk), or zero when the bench itself is
// the generator.
func (w *window) end(m *measurement, generator time.Duration) error {
	m.Wall = time.Since(w.began)
	server1, err := cpuTime(w.pid)
	if err != nil {
		return err
	}
	busy1, err := cpuBusy()
	if err != nil {
		return err
	}
	m.ServerCPU = server1 - w.server0
	self := ownCPUTime() - w.self0
	if generator > 0 {
		m.GenCPU, m.BenchCPU = generator, self
	} else {
		m.GenCPU = self
	}
	m.CPUBusy = make([]time.Duration, len(busy1))
	for i := range busy1 {
		if i < len(w.busy0) {
			m.CPUBusy[i] = busy1[i] - w.busy0[i]
		}
	}
	return nil
}
