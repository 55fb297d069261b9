package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// report is everything one run measured.
type report struct {
	Options      options
	Machine      machine
	Started      time.Time
	Routes       []measurement
	Bare         measurement
	Inserts      insertCeiling
	PeakRSS      int64
	BinarySize   int64
	ColdStarts   []time.Duration
	LoggedErrors int
	Code         string // the commit measured
	DBConns      int    // connections the server had open on its database after the load
	FixtureRSS   int64  // the server's VmHWM after the fixtures were made

	landingBytes  []byte
	landingHeader http.Header // as the real server sent it, less what net/http adds
}

// routeInfo says what each route does, and the goal it has, if any, as a
// share of a ceiling.
var routeInfo = map[string]struct {
	label   string
	goal    float64
	against string // "bare" or "inserts"
}{
	"landing":     {"landing page `GET /`", 0.8, "bare"},
	"step-get":    {"question step `GET /step/2`: session cookie, draft read, page kept for its answers", 0.25, "bare"},
	"step-typed":  {"question step with typed words `GET /step/{n}`: session cookie, draft read, rendered for its visitor", 0, "bare"},
	"step-post":   {"step answer `POST /step/2`: validate, save draft, 303", 0, "inserts"},
	"submit":      {"full submit `POST /step/6`: rules, SQLite insert, 303", 1.0, "inserts"},
	"result":      {"result page `GET /r/{token}`, shared view", 0.5, "bare"},
	"result-json": {"result JSON `GET /r/{token}.json`", 0.5, "bare"},
}

// The goals that are not ratios.
const (
	p99Goal = 20 * time.Millisecond
	rssGoal = 50 << 20
)

func (rep *report) ratio(m measurement, against string) float64 {
	var ceiling float64
	switch against {
	case "bare":
		ceiling = rep.Bare.Rate()
	case "inserts":
		ceiling = rep.Inserts.Rate()
	}
	if ceiling == 0 {
		return 0
	}
	return m.Rate() / ceiling
}

func (rep *report) write(w io.Writer) {
	o := rep.Options
	fmt.Fprintf(w, "%d clients, each on a kept-alive connection, sending its next request when the last is answered; ", o.Clients)
	fmt.Fprintf(w, "%s measured per route after %s warm-up", o.Duration, o.Warmup)
	if o.Gzip {
		fmt.Fprint(w, "; requests accept gzip, as browsers do")
	}
	fmt.Fprintf(w, ". Submits run until %d prepared drafts are all submitted.\n\n", o.Submits)

	fmt.Fprintln(w, "| route | req/s | share of ceiling | goal | p50 | p99 | p99.9 | errors | server CPU per request | share of bare by CPU | server / generator CPU | bytes sent |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range rep.Routes {
		info := routeInfo[m.Name]
		share, goal := "", ""
		if info.against != "" {
			r := rep.ratio(m, info.against)
			name := "bare"
			if info.against == "inserts" {
				name = "raw inserts"
			}
			share = fmt.Sprintf("%.2f × %s", r, name)
			if info.goal > 0 {
				goal = fmt.Sprintf("≥ %.2g %s", info.goal, mark(r >= info.goal))
			}
		}
		if goal != "" {
			goal += " · "
		}
		goal += "p99 " + mark(m.P99 < p99Goal)
		byCPU := ""
		if info.against == "bare" && m.CPUPerRequest() > 0 {
			byCPU = fmt.Sprintf("%.2f", rep.Bare.CPUPerRequest().Seconds()/m.CPUPerRequest().Seconds())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			info.label, rate(m.Rate()), share, goal, ms(m.P50), ms(m.P99), ms(m.P999), errorsCell(m),
			us(m.CPUPerRequest()), byCPU, cpuShares(m), bytesCell(m.Bytes))
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "The ceilings, measured in the same run on the same CPU:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| ceiling | per second | p50 | p99 | p99.9 | CPU per operation | server / generator CPU |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	b := rep.Bare
	fmt.Fprintf(w, "| bare net/http handler serving the landing page's bytes and headers (%s) | %s | %s | %s | %s | %s | %s |\n",
		bytesCell(len(rep.landingBytes))+encodingNote(rep.landingHeader.Get("Content-Encoding")), rate(b.Rate()), ms(b.P50), ms(b.P99), ms(b.P999), us(b.CPUPerRequest()), cpuShares(b))
	c := rep.Inserts
	cpuPer := time.Duration(0)
	if c.Rows > 0 {
		cpuPer = c.CPU / time.Duration(c.Rows)
	}
	fmt.Fprintf(w, "| raw SQLite: one assessment row per transaction, WAL, synchronous=FULL, one writer | %s | %s | %s | %s | %s | %s |\n",
		rate(c.Rate()), ms(c.P50), ms(c.P99), ms(c.P999), us(cpuPer), fmt.Sprintf("%.0f%% (one process)", 100*c.CPU.Seconds()/c.Elapsed.Seconds()))
	fmt.Fprintln(w)

	fmt.Fprintln(w, "| server | measured | goal |")
	fmt.Fprintln(w, "|---|---:|---|")
	fmt.Fprintf(w, "| peak RSS (VmHWM after all routes) | %.1f MB | < 50 MB %s |\n", float64(rep.PeakRSS)/(1<<20), mark(rep.PeakRSS < rssGoal))
	fmt.Fprintf(w, "| binary size | %.1f MB | |\n", float64(rep.BinarySize)/(1<<20))
	fmt.Fprintf(w, "| cold start: exec to first 200 on `/healthz`, fresh database (median of %d; min–max) | %s (%s–%s) | |\n",
		len(rep.ColdStarts), ms(median(rep.ColdStarts)), ms(minOf(rep.ColdStarts)), ms(maxOf(rep.ColdStarts)))
	fmt.Fprintf(w, "| errors the server logged during the run | %d | 0 %s |\n", rep.LoggedErrors, mark(rep.LoggedErrors == 0))
	fmt.Fprintln(w)
	var peaks []string
	for _, m := range rep.Routes {
		peaks = append(peaks, fmt.Sprintf("%s %.0f MB", m.Name, float64(m.PeakRSS)/(1<<20)))
	}
	fmt.Fprintf(w, "Peak RSS as the run went on: after preparing %d drafts through the forms %.0f MB, then after %s. SQLite connections the server held open on its database after the load: %d.\n\n",
		stepSessions+rep.Options.Submits+1, float64(rep.FixtureRSS)/(1<<20), strings.Join(peaks, ", "), rep.DBConns)

	m := rep.Machine
	fmt.Fprintln(w, "Machine and run:")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- CPU: %s, %d cores (`nproc` %d)\n", m.CPUModel, m.CPUs, m.CPUs)
	if m.Pinned {
		fmt.Fprintf(w, "- Pinning: server and ceilings on CPU %s, load generator on CPU %s (taskset); GOMAXPROCS 1 on each side\n", serverCPU, generatorCPU)
	} else {
		fmt.Fprintf(w, "- Pinning: none (needs two cores and taskset); server and load generator share %d cores, so ratios mean less\n", m.CPUs)
	}
	fmt.Fprintf(w, "- Go: %s; kernel %s; databases on %s\n", m.GoVersion, m.Kernel, m.FS)
	fmt.Fprintf(w, "- Load average (1 min) when the run began and ended: %s and %s; on a shared machine other work takes CPU from both sides\n", m.LoadBefore, loadAverage())
	fmt.Fprintf(w, "- Date: %s; code: %s\n", rep.Started.Format("2006-01-02 15:04 MST"), rep.Code)
	fmt.Fprintf(w, "- Command: `go run ./cmd/fitcheck-bench %s`\n", strings.Join(rep.Options.Args, " "))
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func rate(r float64) string {
	n := int64(r + 0.5)
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", d.Seconds()*1000)
	default:
		return fmt.Sprintf("%.1f ms", d.Seconds()*1000)
	}
}

func us(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f µs", d.Seconds()*1e6)
}

func bytesCell(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}

func encodingNote(enc string) string {
	if enc == "" {
		return ""
	}
	return " " + enc
}

func errorsCell(m measurement) string {
	if m.Errors == 0 {
		return "0"
	}
	return fmt.Sprintf("%d of %d (%s)", m.Errors, m.Requests, m.ErrorKind)
}

// cpuShares is how busy each side's CPU was: a server well under 100% was
// waiting (on the disk, or on a generator that could not keep up).
func cpuShares(m measurement) string {
	if m.Elapsed <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%% / %.0f%%", 100*m.ServerCPU.Seconds()/m.Elapsed.Seconds(), 100*m.GenCPU.Seconds()/m.Elapsed.Seconds())
}

func minOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func maxOf(ds []time.Duration) time.Duration {
	m := time.Duration(0)
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// The generated part of docs/performance.md lies between these markers;
// -write-docs replaces it and keeps the prose around it.
const (
	docsBegin = "<!-- fitcheck-bench:begin (generated by go run ./cmd/fitcheck-bench -write-docs; do not edit) -->"
	docsEnd   = "<!-- fitcheck-bench:end -->"
)

const docsSkeleton = "# Performance\n\n" + docsBegin + "\n" + docsEnd + "\n\n## What the figures say\n\n(to be written)\n"

func (rep *report) writeDocs(path string) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		old, err = []byte(docsSkeleton), nil
	}
	if err != nil {
		return err
	}
	before, rest, ok1 := strings.Cut(string(old), docsBegin)
	_, after, ok2 := strings.Cut(rest, docsEnd)
	if !ok1 || !ok2 {
		return fmt.Errorf("%s has no %q … %q markers to write between", path, docsBegin, docsEnd)
	}
	var b bytes.Buffer
	b.WriteString(before + docsBegin + "\n")
	rep.write(&b)
	b.WriteString(docsEnd + after)
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// codeVersion names the commit the server was built from, and says so when
// the checkout had changes.
func codeVersion(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "not a git checkout"
	}
	v := "commit " + strings.TrimSpace(string(out))
	// Documentation does not change what is measured.
	st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no",
		"--", ".", ":(exclude)docs", ":(exclude)*.md").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		v += " with uncommitted changes"
	}
	return v
}

// machine describes where the figures came from.
type machine struct {
	CPUModel   string
	CPUs       int
	Kernel     string
	GoVersion  string
	Pinned     bool
	FS         string
	LoadBefore string
}

func describeMachine(dir string) machine {
	m := machine{CPUModel: "unknown", CPUs: machineCPUs(), GoVersion: runtime.Version(), Pinned: pinned(), FS: filesystem(dir), LoadBefore: loadAverage()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadAverage is the one-minute load average, a sign of how much else was
// running.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// machineCPUs counts the machine's CPUs, not just the ones this process may
// use (runtime.NumCPU follows the affinity mask, which pinning narrows).
func machineCPUs() int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.NumCPU()
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if k, _, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "processor" {
			n++
		}
	}
	return max(n, 1)
}

// filesystem names the filesystem under dir: fsync on tmpfs costs nothing,
// which would flatter every durable write.
func filesystem(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown filesystem"
	}
	names := map[int64]string{0xEF53: "ext4", 0x01021994: "tmpfs", 0x58465342: "xfs", 0x9123683E: "btrfs",
		0x794c7630: "overlayfs", 0x2FC12FC1: "zfs", 0x65735546: "fuse"}
	if n, ok := names[int64(st.Type)]; ok {
		return n
	}
	return fmt.Sprintf("filesystem 0x%x", st.Type)
}
