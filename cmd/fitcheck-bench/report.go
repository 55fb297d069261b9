package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	Bares        map[string]bareCeiling // by route name
	Inserts      insertCeiling
	PeakRSS      int64
	BinarySize   int64
	ColdStarts   []time.Duration
	LoggedErrors loggedErrors
	Code         string // the commit measured
	DBConns      int    // connections the server had open on its database after the load
	FixtureRSS   int64  // the server's VmHWM after the fixtures were made
}

// routeInfo says what each route does, and the goal it has, if any, as a
// share of a ceiling.
var routeInfo = map[string]struct {
	request string // method and path, as the tables show them
	what    string
	goal    float64
	against string // "bare" or "inserts"
}{
	"landing":     {"`GET /`", "landing page", 0.8, "bare"},
	"step-get":    {"`GET /step/2`", "question step: session cookie, draft read, page kept for its answers", 0.4, "bare"},
	"step-typed":  {"`GET /step/{n}`", "question step with typed words: session cookie, draft read, rendered for its visitor", 0, "bare"},
	"step-post":   {"`POST /step/2`", "step answer: validate, save draft, 303", 0, "inserts"},
	"submit":      {"`POST /step/6`", "full submit: rules, SQLite insert, 303", 1.0, "inserts"},
	"submit-open": {"`POST /step/6`", "full submit, open loop: a fixed rate of half the closed loop's, latency from each request's scheduled send", 0, ""},
	"submit-pg":   {"`POST /step/6`", "full submit on PostgreSQL (same machine, same run; its server counts as other work): rules, insert, 303", 0, ""},
	"result":      {"`GET /r/{token}`", "result page, shared view", 0.8, "bare"},
	"result-json": {"`GET /r/{token}.json`", "result JSON", 0.5, "bare"},
}

// The goals that are not ratios.
const (
	p99Goal = 20 * time.Millisecond
	rssGoal = 50 << 20
)

// minServerShare is how busy the server must keep its core for its rate
// to be its own: below it, something else (the load generator, another
// process on the machine) set the pace, and a ratio to the ceiling would
// measure that instead.
const minServerShare = 0.95

// comparison is a route set beside its ceiling.
type comparison struct {
	ratio   float64 // by requests per second
	byCPU   float64 // the ceiling's CPU per request over the route's; 0 when not compared
	invalid string  // why neither ratio was measured; "" when both were
}

func (rep *report) compare(m measurement, against string) comparison {
	switch against {
	case "bare":
		b, ok := rep.Bares[m.Name]
		if !ok || b.Rate() == 0 {
			return comparison{invalid: "no bare ceiling was measured"}
		}
		if why := rep.notServerBound(m); why != "" {
			return comparison{invalid: "the server " + why}
		}
		if why := rep.notServerBound(b.measurement); why != "" {
			return comparison{invalid: "its bare ceiling " + why}
		}
		c := comparison{ratio: m.Rate() / b.Rate()}
		if m.CPUPerRequest() > 0 {
			c.byCPU = b.CPUPerRequest().Seconds() / m.CPUPerRequest().Seconds()
		}
		return c
	case "inserts":
		if rep.Inserts.Rate() == 0 {
			return comparison{invalid: "no raw inserts were measured"}
		}
		// These routes and their ceiling wait on fsync, so neither keeps
		// its core 95% busy: what spoils the ratio is a generator that
		// could not keep up, or other work taking the CPU from either.
		pinned := rep.Machine.Pinned
		if g := m.GeneratorShare(); g >= minServerShare {
			return comparison{invalid: fmt.Sprintf("the load generator was at %s of its core and may have set the pace", pct(g))}
		}
		if s, g := m.Others(pinned); s >= 1-minServerShare || g >= 1-minServerShare {
			return comparison{invalid: "other work took " + othersCell(m, pinned) + " while it ran: a busy machine"}
		}
		if o := rep.Inserts.Others(pinned); o >= 1-minServerShare {
			return comparison{invalid: "other work took " + pct(o) + " of the raw inserts' CPU: a busy machine"}
		}
		return comparison{ratio: m.Rate() / rep.Inserts.Rate()}
	}
	return comparison{}
}

// notServerBound says why m's rate was not set by its server ("" when it
// was): the server's core was not at least 95% busy.
func (rep *report) notServerBound(m measurement) string {
	s := m.ServerShare()
	if s >= minServerShare {
		return ""
	}
	why := "was at " + pct(s) + " of its core"
	onServer, onGenerator := m.Others(rep.Machine.Pinned)
	switch {
	case m.GeneratorShare() >= minServerShare:
		why += ", the load generator at " + pct(m.GeneratorShare()) + " of its own: the generator set the pace"
	case onServer >= 1-minServerShare || onGenerator >= 1-minServerShare:
		why += ", while other work took " + othersCell(m, rep.Machine.Pinned) + ": a busy machine"
	}
	return why
}

// ratioCells are a route's share of its ceiling, its goal, and its share
// of bare by CPU, as the table shows them. A ratio above 1 against bare
// cannot be a result: nothing can serve those bytes faster than a handler
// that does nothing else.
func (rep *report) ratioCells(m measurement) (share, goal, byCPU string) {
	info := routeInfo[m.Name]
	if info.against == "" {
		return "", "", ""
	}
	c := rep.compare(m, info.against)
	name := "bare"
	if info.against == "inserts" {
		name = "raw inserts"
	}
	goalText := ""
	if info.goal > 0 {
		goalText = fmt.Sprintf("≥ %.2g ", info.goal)
	}
	switch {
	case c.invalid != "":
		share = "not measured: " + c.invalid
		if goalText != "" {
			goal = goalText + "not measured"
		}
		if info.against == "bare" {
			byCPU = "not measured"
		}
		return share, goal, byCPU
	case info.against == "bare" && c.ratio > 1:
		share = fmt.Sprintf("%.2f × bare ⚠ above its ceiling: a measurement error, not a result", c.ratio)
		if goalText != "" {
			goal = goalText + "✗ (measurement error)"
		}
	default:
		share = fmt.Sprintf("%.2f × %s", c.ratio, name)
		if goalText != "" {
			goal = goalText + mark(c.ratio >= info.goal)
		}
	}
	if c.byCPU > 1 {
		byCPU = fmt.Sprintf("%.2f ⚠ measurement error", c.byCPU)
	} else if c.byCPU > 0 {
		byCPU = fmt.Sprintf("%.2f", c.byCPU)
	}
	return share, goal, byCPU
}

func (rep *report) write(w io.Writer) {
	o := rep.Options
	pinned := rep.Machine.Pinned
	fmt.Fprintf(w, "%d clients, each on a kept-alive connection, sending its next request when the last is answered; ", o.Clients)
	fmt.Fprintf(w, "%s measured per route and per bare ceiling after %s warm-up", o.Duration, o.Warmup)
	if o.Gzip {
		fmt.Fprint(w, "; requests accept gzip, as browsers do")
	}
	fmt.Fprintf(w, ". Submits run until %d prepared drafts are all submitted; then %d more are sent at half the rate the submits reached (an open loop, each request's latency counted from when it was scheduled). ", o.Submits, openLoopSubmits(o))
	fmt.Fprintf(w, "CPU is per cent of one core over the row's wall time; a row set beside bare counts only when its server, and its bare ceiling's, kept the core at least %s busy.\n\n", pct(minServerShare))

	fmt.Fprintln(w, "| route | generator | req/s | share of ceiling | goal | p50 | p99 | p99.9 | errors | server CPU per request | share of bare by CPU | server CPU | generator CPU | other work "+othersHeading(pinned)+" | bytes sent |")
	fmt.Fprintln(w, "|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	compared, measured := 0, 0
	for _, m := range rep.Routes {
		info := routeInfo[m.Name]
		share, goal, byCPU := rep.ratioCells(m)
		if info.against == "bare" {
			compared++
			if !strings.HasPrefix(share, "not measured") {
				measured++
			}
		}
		if goal != "" {
			goal += " · "
		}
		goal += "p99 " + mark(m.P99 < p99Goal)
		what := info.what
		if m.Offered > 0 {
			what += fmt.Sprintf(" (%s/s offered)", rate(m.Offered))
		}
		fmt.Fprintf(w, "| %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			what, info.request, m.Generator, rate(m.Rate()), share, goal, ms(m.P50), ms(m.P99), ms(m.P999), errorsCell(m),
			us(m.CPUPerRequest()), byCPU, pct(m.ServerShare()), pct(m.GeneratorShare()), othersCell(m, pinned), bytesCell(m.Bytes))
	}
	fmt.Fprintln(w)
	if compared > 0 {
		fmt.Fprintf(w, "Rows set beside bare with both sides server-bound: %d of %d.", measured, compared)
		if measured < compared {
			fmt.Fprint(w, " The others say why they were not measured; run again on a quieter machine.")
		}
		fmt.Fprint(w, "\n\n")
	}

	fmt.Fprintln(w, "The ceilings, measured in the same run on the same CPU, each bare one right after its route:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| ceiling | per second | p50 | p99 | p99.9 | CPU per operation | server CPU | generator CPU | other work "+othersHeading(pinned)+" | the ceiling? |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rep.Routes {
		b, ok := rep.Bares[r.Name]
		if !ok {
			continue
		}
		verdict := "✓ server-bound"
		if why := rep.notServerBound(b.measurement); why != "" {
			verdict = "✗ not measured: the server " + why
		}
		fmt.Fprintf(w, "| bare net/http handler sending %s's bytes and headers (%s) | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			routeInfo[r.Name].request, bytesCell(b.Size)+encodingNote(b.Encoding), rate(b.Rate()), ms(b.P50), ms(b.P99), ms(b.P999),
			us(b.CPUPerRequest()), pct(b.ServerShare()), pct(b.GeneratorShare()), othersCell(b.measurement, pinned), verdict)
	}
	c := rep.Inserts
	cpuPer := time.Duration(0)
	if c.Rows > 0 {
		cpuPer = c.CPU / time.Duration(c.Rows)
	}
	insertShare := 0.0
	if c.Elapsed > 0 {
		insertShare = c.CPU.Seconds() / c.Elapsed.Seconds()
	}
	insertVerdict := "waits on fsync by design"
	if o := c.Others(pinned); o >= 1-minServerShare {
		insertVerdict = "✗ not measured: other work took " + pct(o) + " of its CPU"
	}
	fmt.Fprintf(w, "| raw SQLite: one assessment row per transaction, WAL, synchronous=FULL, one writer | %s | %s | %s | %s | %s | %s | – | %s | %s |\n",
		rate(c.Rate()), ms(c.P50), ms(c.P99), ms(c.P999), us(cpuPer), pct(insertShare), pct(c.Others(pinned)), insertVerdict)
	fmt.Fprintln(w)

	fmt.Fprintln(w, "| server | measured | goal |")
	fmt.Fprintln(w, "|---|---:|---|")
	fmt.Fprintf(w, "| peak RSS (VmHWM after all routes) | %.1f MB | < 50 MB %s |\n", float64(rep.PeakRSS)/(1<<20), mark(rep.PeakRSS < rssGoal))
	fmt.Fprintf(w, "| binary size (`CGO_ENABLED=0 go build -trimpath`, as docs/deploy.md builds it) | %.1f MB | |\n", float64(rep.BinarySize)/(1<<20))
	fmt.Fprintf(w, "| cold start: exec to first 200 on `/healthz`, fresh database (median of %d; min–max) | %s (%s–%s) | |\n",
		len(rep.ColdStarts), ms(median(rep.ColdStarts)), ms(minOf(rep.ColdStarts)), ms(maxOf(rep.ColdStarts)))
	le := rep.LoggedErrors
	fmt.Fprintf(w, "| errors the server logged during the run, besides %d requests wrk abandoned when its time was up (\"context canceled\") | %d | 0 %s |\n",
		le.Abandoned, le.All-le.Abandoned, mark(le.All == le.Abandoned))
	fmt.Fprintln(w)
	var peaks []string
	for _, m := range rep.Routes {
		peaks = append(peaks, fmt.Sprintf("%s %.0f MB", m.Name, float64(m.PeakRSS)/(1<<20)))
	}
	fmt.Fprintf(w, "Peak RSS as the run went on: after preparing %d drafts through the forms %.0f MB, then after %s. SQLite connections the server held open on its database after the load: %d.\n\n",
		stepSessions+rep.Options.Submits+openLoopSubmits(rep.Options)+1, float64(rep.FixtureRSS)/(1<<20), strings.Join(peaks, ", "), rep.DBConns)

	m := rep.Machine
	fmt.Fprintln(w, "Machine and run:")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- CPU: %s, %d cores (`nproc` %d)\n", m.CPUModel, m.CPUs, m.CPUs)
	if m.Pinned {
		fmt.Fprintf(w, "- Pinning: server and ceilings on CPU %s, load generators (wrk with one thread; the bench's Go generator, GOMAXPROCS 1) on CPU %s (taskset); the server has GOMAXPROCS 1\n", serverCPU, generatorCPU)
	} else {
		fmt.Fprintf(w, "- Pinning: none (needs two cores and taskset); server and load generator share %d cores, so ratios mean less\n", m.CPUs)
	}
	fmt.Fprintf(w, "- Go: %s; %s; kernel %s; databases on %s\n", m.GoVersion, m.Wrk, m.Kernel, m.FS)
	fmt.Fprintf(w, "- Load average (1 min) when the run began and ended: %s and %s; the other-work columns say how much of it fell on the measured CPUs\n", m.LoadBefore, loadAverage())
	fmt.Fprintf(w, "- Date: %s; code: %s\n", rep.Started.Format("2006-01-02 15:04 MST"), rep.Code)
	fmt.Fprintf(w, "- Command: `go run ./cmd/fitcheck-bench %s`\n", strings.Join(rep.Options.Args, " "))
}

// pct is a fraction as a whole per cent.
func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

func othersHeading(pinned bool) string {
	if pinned {
		return "(CPU " + serverCPU + " / CPU " + generatorCPU + ")"
	}
	return "(machine)"
}

// othersCell is the CPU other processes took while the row ran.
func othersCell(m measurement, pinned bool) string {
	if len(m.CPUBusy) == 0 {
		return "–"
	}
	onServer, onGenerator := m.Others(pinned)
	if pinned && len(m.CPUBusy) > 1 {
		return pct(onServer) + " / " + pct(onGenerator)
	}
	return pct(onServer)
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
	Wrk        string // wrk's version line
}

func describeMachine(dir string) machine {
	m := machine{CPUModel: "unknown", CPUs: machineCPUs(), GoVersion: runtime.Version(), Pinned: pinned(), FS: filesystem(dir), LoadBefore: loadAverage(), Wrk: wrkVersion()}
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

// wrkVersion is the first words of wrk's version line.
func wrkVersion() string {
	out, _ := exec.Command("wrk", "--version").CombinedOutput()
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return "wrk unknown"
	}
	return f[0] + " " + f[1]
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
