package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
)

// deskOptions is what `fitcheck-bench desk` can be told.
type deskOptions struct {
	DB   string
	Bin  string
	Runs int
	Dir  string
	Skip map[string]bool // parts not to measure: export, lab, rescore

	postmaster int // the PostgreSQL server's process, when it runs here
}

const (
	deskOwner    = "bench@example.com"
	deskPassword = "bench-desk-password-0123456789"
	// deskSessionKey signs the bench server's cookies; PostgreSQL needs one.
	deskSessionKey = "fitcheck-bench-desk-session-key-0123456789"
	deskPageSize   = 25
)

// runDesk measures the review area on a filled database (see fill): every
// desk page, the CSV export, the rules lab and `fitcheck rescore`, each
// against the real server built from this module.
func runDesk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		o    deskOptions
		skip string
	)
	fs := flag.NewFlagSet("fitcheck-bench desk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.DB, "db", "", "a database filled by `fitcheck-bench fill`: a SQLite file or a postgres:// URL (it is migrated, as the server does, and an owner account is added)")
	fs.StringVar(&o.Bin, "bin", "", "a fitcheck binary to measure (default: build ./cmd/fitcheck from this module)")
	fs.IntVar(&o.Runs, "runs", 5, "requests per page; the table shows their median")
	fs.StringVar(&o.Dir, "dir", "", "directory for the built binary and the server's log (default: a new temp dir)")
	fs.StringVar(&skip, "skip", "", "comma-separated parts not to measure: pages, export, lab, rescore")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./cmd/fitcheck-bench desk -db DB [flags]\n\n"+
			"Starts the real server on DB, signs in and requests each review page -runs\n"+
			"times, printing the median wall time and the server's CPU time (all its\n"+
			"threads, from /proc) for each; then the CSV export's first byte, total time\n"+
			"and the server's peak RSS growth, the rules lab's re-score, and `fitcheck\n"+
			"rescore` as its own process with its peak RSS.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.DB == "" || o.Runs < 1 {
		return errors.New("desk: -db is required and -runs must be positive")
	}
	o.Skip = map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.Skip[s] = true
		}
	}
	return desk(ctx, o, stdout, stderr)
}

func desk(ctx context.Context, o deskOptions, stdout, stderr io.Writer) error {
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "fitcheck-desk-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if o.Bin == "" {
		root, err := moduleRoot()
		if err != nil {
			return err
		}
		o.Bin = filepath.Join(dir, "fitcheck")
		progress(stderr, "building ./cmd/fitcheck")
		build := exec.CommandContext(ctx, "go", "build", "-o", o.Bin, "./cmd/fitcheck")
		build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build fitcheck: %w", err)
		}
	}
	env := []string{"FITCHECK_SESSION_KEY=" + deskSessionKey}
	// The server migrates the database when it starts (the admin command
	// will not, on a database a server may be running on); the time it
	// took is the migrations'.
	progress(stderr, "starting the server once, so it migrates the database")
	started := time.Now()
	srv, _, err := startDeskServer(ctx, o, dir, env)
	if err != nil {
		return err
	}
	if err := srv.stop(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "server started (migrations included) in %s\n", time.Since(started).Round(10*time.Millisecond))
	progress(stderr, "adding the owner account %s", deskOwner)
	if err := addDeskOwner(ctx, o.Bin, o.DB, env); err != nil {
		return err
	}
	if data.IsPostgres(o.DB) {
		// What autovacuum does within a minute or so of a migration that
		// rewrote this many rows: statistics for the new columns, and the
		// visibility map that lets the list's scans stay index-only.
		progress(stderr, "VACUUM ANALYZE, as autovacuum would after the migration")
		if err := analyzePostgres(ctx, o.DB); err != nil {
			return err
		}
		pm, err := postmasterOf(ctx, o.DB)
		if err != nil {
			progress(stderr, "PostgreSQL's own CPU is not counted (%v): the CPU columns are fitcheck's alone", err)
		}
		o.postmaster = pm
	}
	fmt.Fprintf(stdout, "load average before: %s\n", loadAverage())
	if !o.Skip["rescore"] {
		if err := measureRescore(ctx, o, dir, env, stdout); err != nil {
			return err
		}
	}
	if !o.Skip["pages"] {
		err := withDeskServer(ctx, o, dir, env, func(c *http.Client, m cpuMeter, base string) error {
			return measurePages(ctx, o, c, m, base, stdout)
		})
		if err != nil {
			return err
		}
	}
	if !o.Skip["export"] {
		if err := measureFresh(ctx, o, dir, env, "CSV export", measureExport, stdout); err != nil {
			return err
		}
	}
	if !o.Skip["lab"] {
		if err := measureFresh(ctx, o, dir, env, "rules lab re-score (POST /admin/lab, the built-in content)", measureLab, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "load average after: %s\n", loadAverage())
	return nil
}

// withDeskServer starts the server on the database, signs in, runs fn and
// stops the server.
func withDeskServer(ctx context.Context, o deskOptions, dir string, env []string, fn func(c *http.Client, m cpuMeter, base string) error) error {
	srv, base, err := startDeskServer(ctx, o, dir, env)
	if err != nil {
		return err
	}
	defer srv.stop()
	c, err := signIn(base)
	if err != nil {
		return err
	}
	if err := fn(c, cpuMeter{server: srv.pid(), postmaster: o.postmaster}, base); err != nil {
		return err
	}
	return srv.stop()
}

// heavyRun is one measured request of a heavy route.
type heavyRun struct {
	First, Whole  time.Duration
	CPU           cpuSample
	Growth, Bytes int64
}

// measureFresh measures a heavy route three times, each on a server just
// started: Go keeps the heap a request grew, so on a server that has
// already served one, a second would show no growth whatever it needs.
func measureFresh(ctx context.Context, o deskOptions, dir string, env []string, name string,
	measure func(c *http.Client, m cpuMeter, base string) (heavyRun, error), stdout io.Writer) error {
	var runs []heavyRun
	for range 3 {
		var failed error
		err := withDeskServer(ctx, o, dir, env, func(c *http.Client, m cpuMeter, base string) error {
			run, err := measure(c, m, base)
			if err != nil {
				// A result, not the bench's failure: an old build's export
				// outlasts the server's write timeout at 100,000.
				failed = err
				return nil
			}
			runs = append(runs, run)
			return nil
		})
		if err != nil {
			return err
		}
		if failed != nil {
			fmt.Fprintf(stdout, "%s failed: %v\n", name, failed)
		}
	}
	if len(runs) == 0 {
		return nil
	}
	var first, whole, cpu, fit []time.Duration
	var growth []int64
	for _, r := range runs {
		first, whole, cpu, fit = append(first, r.First), append(whole, r.Whole), append(cpu, r.CPU.total()), append(fit, r.CPU.fitcheck)
		growth = append(growth, r.Growth)
	}
	fmt.Fprintf(stdout, "%s (%s), %d runs on a fresh server each: first byte %s (median; %s–%s), whole %s (%s–%s), server CPU %s (fitcheck %s), fitcheck's peak RSS growth %s (median; max %s)\n",
		name, mb(runs[0].Bytes), len(runs), ms(median(first)), ms(slices.Min(first)), ms(slices.Max(first)), ms(median(whole)),
		ms(slices.Min(whole)), ms(slices.Max(whole)), ms(median(cpu)), ms(median(fit)), mb(medianInt(growth)), mb(slices.Max(growth)))
	return nil
}

// addDeskOwner adds the bench's owner account, or resets its password when
// an earlier run added it.
func addDeskOwner(ctx context.Context, bin, db string, env []string) error {
	for _, sub := range []string{"add-user", "set-password"} {
		cmd := exec.CommandContext(ctx, bin, "admin", sub, "-db", db, deskOwner)
		cmd.Env = append(cleanEnv(), env...)
		cmd.Stdin = strings.NewReader(deskPassword + "\n")
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		if sub == "set-password" || !bytes.Contains(out, []byte("already has an account")) {
			return fmt.Errorf("fitcheck admin %s: %v: %s", sub, err, out)
		}
	}
	return nil
}

func startDeskServer(ctx context.Context, o deskOptions, dir string, env []string) (*process, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	args := []string{"-addr", addr, "-db", o.DB}
	p, err := startProcess(o.Bin, args, filepath.Join(dir, "server.log"), env...)
	if err != nil {
		return nil, "", err
	}
	if _, err := p.waitReady(ctx, base+"/healthz", time.Now(), 10*time.Minute); err != nil {
		p.stop()
		return nil, "", err
	}
	return p, base, nil
}

// signIn returns a client holding the owner's session.
func signIn(base string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Minute, Transport: &http.Transport{Proxy: nil, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/admin/signin", url.Values{"email": {deskOwner}, "password": {deskPassword}})
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: %s, want a redirect", resp.Status)
	}
	return c, nil
}

// deskPage is one page measured, and what the runs gave.
type deskPage struct {
	Name, Path string
	Wall       []time.Duration
	CPU        []cpuSample
	Bytes      int
	Err        error
}

var (
	showingPattern = regexp.MustCompile(`(\d[\d,]*)–(\d[\d,]*) of (\d[\d,]*)`)
	detailPattern  = regexp.MustCompile(`href="/admin/a/(\d+)"`)
)

func measurePages(ctx context.Context, o deskOptions, c *http.Client, m cpuMeter, base string, stdout io.Writer) error {
	total, id, err := deskFacts(ctx, c, base, o.DB)
	if err != nil {
		return err
	}
	pages := []deskPage{{Name: "list, call first, page 1", Path: "/admin"}}
	for _, order := range assessment.Orders {
		q := ""
		if order != assessment.OrderCallFirst {
			q = "order=" + string(order) + "&"
		}
		pages = append(pages,
			deskPage{Name: "list, " + string(order) + ", page 2", Path: "/admin?" + q + "page=2"},
			deskPage{Name: "list, " + string(order) + ", last page", Path: "/admin?" + q + "page=" + lastPage(total)})
	}
	year := time.Now().UTC().AddDate(-1, 0, 0)
	pages = append(pages,
		deskPage{Name: "search by company (\"northwind\")", Path: "/admin?q=northwind"},
		deskPage{Name: "search by e-mail (\"ada.\")", Path: "/admin?q=ada."},
		deskPage{Name: "outcome + date range (hire-a-pm, the last year)", Path: "/admin?outcome=hire-a-pm&from=" + year.Format(time.DateOnly) + "&to=" + time.Now().UTC().Format(time.DateOnly)},
		deskPage{Name: "status new, page 2", Path: "/admin?status=new&page=2"},
	)
	if statusNew, err := get(c, base+"/admin?status=new"); err == nil {
		if n, _, err := listFacts(statusNew); err == nil {
			pages = append(pages, deskPage{Name: "status new, by outcome, last page", Path: "/admin?status=new&order=outcome&page=" + lastPage(n)})
		}
	}
	pages = append(pages,
		deskPage{Name: "an assessment's page", Path: "/admin/a/" + id},
		deskPage{Name: "an assessment's brief.txt", Path: "/admin/a/" + id + "/brief.txt"},
		deskPage{Name: "dashboard", Path: "/admin/dashboard"},
	)
	for i := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		measurePage(o, c, m, base, &pages[i])
	}
	fmt.Fprintf(stdout, "\n%d rows in the list (one per person); median of %d requests each, after one unmeasured. "+
		"Server CPU is fitcheck's and, on PostgreSQL, the database server's.\n\n", total, o.Runs)
	fmt.Fprintln(stdout, "| page | server CPU (median) | of it fitcheck | wall (median) | min–max wall | bytes |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|")
	for _, p := range pages {
		if p.Err != nil {
			fmt.Fprintf(stdout, "| %s `%s` | failed: %v | | | | |\n", p.Name, p.Path, p.Err)
			continue
		}
		var cpu, fit []time.Duration
		for _, c := range p.CPU {
			cpu, fit = append(cpu, c.total()), append(fit, c.fitcheck)
		}
		fmt.Fprintf(stdout, "| %s `%s` | %s | %s | %s | %s–%s | %d |\n", p.Name, p.Path, ms(median(cpu)), ms(median(fit)), ms(median(p.Wall)),
			ms(slices.Min(p.Wall)), ms(slices.Max(p.Wall)), p.Bytes)
	}
	return nil
}

// measurePage requests a page once unmeasured (the first request after
// start reads cold pages) and then o.Runs times. A failure is recorded,
// not fatal: a page that times out is a result.
func measurePage(o deskOptions, c *http.Client, m cpuMeter, base string, p *deskPage) {
	if _, p.Err = get(c, base+p.Path); p.Err != nil {
		return
	}
	for range o.Runs {
		before, err := m.read()
		if err != nil {
			p.Err = err
			return
		}
		t0 := time.Now()
		body, err := get(c, base+p.Path)
		if err != nil {
			p.Err = err
			return
		}
		wall := time.Since(t0)
		after, err := m.read()
		if err != nil {
			p.Err = err
			return
		}
		p.Wall, p.CPU, p.Bytes = append(p.Wall, wall), append(p.CPU, after.since(before)), len(body)
	}
}

// deskFacts is how many rows the list has and an assessment to open: read
// from the list's first page, or, when that page fails (an old build at
// 100,000 can outlast the server's write timeout), from the database.
func deskFacts(ctx context.Context, c *http.Client, base, db string) (int, string, error) {
	if first, err := get(c, base+"/admin"); err == nil {
		if total, id, err := listFacts(first); err == nil {
			return total, id, nil
		}
	}
	driver, dsn := "sqlite", data.DSN(db)
	if data.IsPostgres(db) {
		driver, dsn = "pgx", db
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		return 0, "", err
	}
	defer conn.Close()
	var total, id int
	// Grouped as the list groups, but for letter case beyond ASCII: a
	// count for choosing the last page.
	err = conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM assessments
		GROUP BY CASE WHEN consent AND contact_email <> '' THEN lower(contact_email) ELSE 'id:' || id END) AS people),
		(SELECT max(id) FROM assessments)`).Scan(&total, &id)
	if err != nil {
		return 0, "", fmt.Errorf("count the list's rows: %w", err)
	}
	return total, strconv.Itoa(id), nil
}

func lastPage(total int) string { return strconv.Itoa(max((total+deskPageSize-1)/deskPageSize, 1)) }

// listFacts reads the list's total and the first assessment it links to.
func listFacts(page []byte) (total int, id string, err error) {
	m := showingPattern.FindSubmatch(page)
	if m == nil {
		return 0, "", errors.New("the list page says nothing like \"1–25 of N\"")
	}
	total, _ = strconv.Atoi(strings.ReplaceAll(string(m[3]), ",", ""))
	d := detailPattern.FindSubmatch(page)
	if d == nil {
		return 0, "", errors.New("the list page links to no assessment")
	}
	return total, string(d[1]), nil
}

func get(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return body, nil
}

// measureExport downloads the CSV export once, timing its first byte and
// whole, with the server's peak RSS above what it held before.
func measureExport(c *http.Client, m cpuMeter, base string) (heavyRun, error) {
	return measureHeavy(m, func() (*http.Response, error) { return c.Get(base + "/admin/export.csv") })
}

// measureLab posts the built-in content to the rules lab once.
func measureLab(c *http.Client, m cpuMeter, base string) (heavyRun, error) {
	return measureHeavy(m, func() (*http.Response, error) {
		return c.PostForm(base+"/admin/lab", url.Values{"content": {string(assessment.DefaultContent)}})
	})
}

func measureHeavy(m cpuMeter, send func() (*http.Response, error)) (heavyRun, error) {
	var run heavyRun
	rss, err := resetPeakRSS(m.server)
	if err != nil {
		return run, err
	}
	before, err := m.read()
	if err != nil {
		return run, err
	}
	t0 := time.Now()
	resp, err := send()
	if err != nil {
		return run, err
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if _, err := r.Peek(1); err != nil {
		return run, fmt.Errorf("%s %s: %s: %w", resp.Request.Method, resp.Request.URL.Path, resp.Status, err)
	}
	run.First = time.Since(t0)
	if run.Bytes, err = io.Copy(io.Discard, r); err != nil {
		return run, fmt.Errorf("%s %s after %s: %w", resp.Request.Method, resp.Request.URL.Path, time.Since(t0), err)
	}
	run.Whole = time.Since(t0)
	if resp.StatusCode != http.StatusOK {
		return run, fmt.Errorf("%s %s: %s", resp.Request.Method, resp.Request.URL.Path, resp.Status)
	}
	after, err := m.read()
	if err != nil {
		return run, err
	}
	run.CPU = after.since(before)
	peak, err := peakRSS(m.server)
	if err != nil {
		return run, err
	}
	run.Growth = peak - rss
	return run, nil
}

// measureRescore runs `fitcheck rescore` with the built-in content three
// times, as its own process, and reads its peak RSS from the kernel.
func measureRescore(ctx context.Context, o deskOptions, dir string, env []string, stdout io.Writer) error {
	content := filepath.Join(dir, "candidate.yaml")
	if err := os.WriteFile(content, assessment.DefaultContent, 0o600); err != nil {
		return err
	}
	var wall, cpu, dbCPU []time.Duration
	var rss []int64
	m := cpuMeter{postmaster: o.postmaster}
	for range 3 {
		cmd := exec.CommandContext(ctx, o.Bin, "rescore", "-db", o.DB, content)
		cmd.Env = append(cleanEnv(), env...)
		before, err := m.read()
		if err != nil {
			return err
		}
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("fitcheck rescore: %v: %s", err, out)
		}
		wall = append(wall, time.Since(t0))
		after, err := m.read()
		if err != nil {
			return err
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu = append(cpu, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
		dbCPU = append(dbCPU, after.since(before).database)
		rss = append(rss, ru.Maxrss<<10)
	}
	fmt.Fprintf(stdout, "fitcheck rescore (the built-in content), 3 runs: wall %s (median; %s–%s), CPU %s (and the database server's %s), peak RSS %s (the whole process)\n",
		ms(median(wall)), ms(slices.Min(wall)), ms(slices.Max(wall)), ms(median(cpu)), ms(median(dbCPU)), mb(medianInt(rss)))
	return nil
}

// threadsCPU is the CPU time all of a process's threads have used, in
// nanoseconds from the scheduler (/proc/PID/task/*/schedstat): finer than
// /proc/PID/stat's clock ticks, which are 10 ms.
func threadsCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("read the threads of process %d: %v", pid, err)
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended meanwhile
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse %s: %w", t, err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// cpuMeter reads the CPU the server has used: fitcheck's, and on
// PostgreSQL the database server's too (the postmaster and every process
// it started), where most of a query's work is done.
type cpuMeter struct {
	server     int
	postmaster int // 0 on SQLite
}

// cpuSample is what a cpuMeter read at one moment.
type cpuSample struct{ fitcheck, database time.Duration }

func (m cpuMeter) read() (cpuSample, error) {
	var c cpuSample
	var err error
	if m.server != 0 {
		if c.fitcheck, err = threadsCPU(m.server); err != nil {
			return c, err
		}
	}
	if m.postmaster == 0 {
		return c, nil
	}
	for _, pid := range append(childrenOf(m.postmaster), m.postmaster) {
		if d, err := threadsCPU(pid); err == nil {
			c.database += d // a backend that ended meanwhile is counted below
		}
	}
	// Backends that have ended (a command's connections when it exits)
	// are counted in the postmaster's children's time once it reaps them.
	reaped, err := reapedCPU(m.postmaster)
	if err != nil {
		return c, err
	}
	c.database += reaped
	return c, nil
}

// reapedCPU is the CPU time of a process's children that have ended and
// been waited for (cutime + cstime in /proc/PID/stat, in clock ticks).
func reapedCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	cutime, err1 := strconv.ParseInt(f[13], 10, 64)
	cstime, err2 := strconv.ParseInt(f[14], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return time.Duration(cutime+cstime) * time.Second / clockTicks, nil
}

// since is the CPU used between two samples.
func (c cpuSample) since(before cpuSample) cpuSample {
	return cpuSample{c.fitcheck - before.fitcheck, c.database - before.database}
}

func (c cpuSample) total() time.Duration { return c.fitcheck + c.database }

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(strings.Fields(s)[0])
			out = append(out, child)
		}
	}
	return out
}

// postmasterOf finds the PostgreSQL server behind a postgres:// URL, so
// its CPU can be counted: its data directory's postmaster.pid names it.
// It needs the server on this machine, and a role allowed to read
// data_directory; the CPU column is fitcheck's alone otherwise.
func postmasterOf(ctx context.Context, dsn string) (int, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var dir string
	if err := db.QueryRowContext(ctx, `SHOW data_directory`).Scan(&dir); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}

// resetPeakRSS resets the process's VmHWM to its current RSS (Linux's
// clear_refs 5) and returns that RSS.
func resetPeakRSS(pid int) (int64, error) {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return 0, fmt.Errorf("reset peak RSS: %w", err)
	}
	return peakRSS(pid)
}

func medianInt(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }
