package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Fixture sizes. The step routes rotate over a pool of sessions; the result
// routes over results made by the submit route.
const (
	stepSessions = 200
	resultPages  = 200
	coldStarts   = 5
)

// benchEnv is what every measurement shares.
type benchEnv struct {
	dir      string // the run's scratch directory
	wrk      *wrkLoad
	profiles *profiler // nil unless -profile
	stderr   io.Writer
}

func bench(ctx context.Context, o options, stdout, stderr io.Writer) error {
	wrk, err := findWrk()
	if err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(o.Dir, "fitcheck-bench-")
	if err != nil {
		return err
	}
	if o.Keep {
		defer progress(stderr, "kept the databases and logs in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	env := &benchEnv{dir: dir, wrk: &wrkLoad{wrk: wrk, clients: o.Clients, dir: dir}, stderr: stderr}
	if o.Profile != "" {
		if env.profiles, err = newProfiler(o.Profile, dir); err != nil {
			return err
		}
	}
	rep := &report{Options: o, Machine: describeMachine(dir), Started: time.Now().UTC(), Code: codeVersion(root)}

	progress(stderr, "building ./cmd/fitcheck")
	bin := filepath.Join(dir, "fitcheck")
	// Built as docs/deploy.md builds it, so the binary size is the one
	// operators ship.
	args := []string{"build", "-trimpath", "-o", bin}
	if env.profiles != nil {
		overlay, err := env.profiles.overlay(root)
		if err != nil {
			return err
		}
		args = append(args, "-overlay", overlay)
	}
	build := exec.CommandContext(ctx, "go", append(args, "./cmd/fitcheck")...)
	build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		return fmt.Errorf("build fitcheck: %w", err)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return err
	}
	rep.BinarySize = fi.Size()

	progress(stderr, "cold start, %d times, each on a fresh database", coldStarts)
	for i := range coldStarts {
		p, _, d, err := startFitcheck(ctx, bin, filepath.Join(dir, fmt.Sprintf("cold%d", i)))
		if err != nil {
			return err
		}
		if err := p.stop(); err != nil {
			return err
		}
		rep.ColdStarts = append(rep.ColdStarts, d)
	}

	srv, base, _, err := startFitcheck(ctx, bin, filepath.Join(dir, "site"), env.profiles.env("fitcheck")...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := measureSite(ctx, o, rep, env, srv, base); err != nil {
		return err
	}
	if rep.PeakRSS, err = peakRSS(srv.pid()); err != nil {
		return err
	}
	rep.DBConns = openFiles(srv.pid(), filepath.Join(dir, "site", "fitcheck.db"))
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stop fitcheck: %w", err)
	}
	rep.LoggedErrors = countLoggedErrors(srv.log.Name())

	if o.Postgres != "" {
		if err := measurePostgresSubmits(ctx, o, rep, env, bin); err != nil {
			return err
		}
	}

	progress(stderr, "raw SQLite inserts, one row per transaction, for %s", o.Duration)
	if rep.Inserts, err = measureInserts(ctx, o, dir); err != nil {
		return err
	}

	rep.write(stdout)
	if o.WriteDocs {
		path := filepath.Join(root, o.Docs)
		if err := rep.writeDocs(path); err != nil {
			return err
		}
		progress(stderr, "wrote %s", path)
	}
	if env.profiles != nil {
		progress(stderr, "CPU profiles of the measured windows are in %s (go tool pprof -top %s)", o.Profile, filepath.Join(o.Profile, "landing.pprof"))
	}
	return nil
}

// startFitcheck starts the real server on a fresh database in dir and
// returns it once /healthz answers, with the time that took from exec.
func startFitcheck(ctx context.Context, bin, dir string, env ...string) (*process, string, time.Duration, error) {
	return startFitcheckOn(ctx, bin, dir, filepath.Join(dir, "fitcheck.db"), env...)
}

// startFitcheckOn is startFitcheck on the database db: a file, or a
// postgres:// URL.
func startFitcheckOn(ctx context.Context, bin, dir, db string, env ...string) (*process, string, time.Duration, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", 0, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", 0, err
	}
	base := "http://" + addr
	args := []string{"-addr", addr, "-db", db,
		// Load comes faster than any person, and from one address: without
		// these the server would (rightly) turn it away as automated, or
		// refuse the thousands of open drafts the fixtures make.
		"-min-completion-time", "0", "-post-limit", "100000000", "-max-open-drafts", "100000000",
		// No load balancer to drain for: stop at once.
		"-drain-period", "0"}
	started := time.Now()
	p, err := startProcess(bin, args, filepath.Join(dir, "server.log"), env...)
	if err != nil {
		return nil, "", 0, err
	}
	d, err := p.waitReady(ctx, base+"/healthz", started, 30*time.Second)
	if err != nil {
		p.stop()
		return nil, "", 0, err
	}
	return p, base, d, nil
}

// wrkRoute is a route wrk drives: reqs sent in turn, over and over.
type wrkRoute struct {
	Name string
	Reqs []request
	Want expect
	// Bare routes are set beside a bare net/http handler sending the bytes
	// and headers this route sent; the others beside raw inserts.
	Bare bool
}

// measureSite loads each route of the running server in turn, and each
// read route's bare ceiling right after it, so both meet the same machine.
func measureSite(ctx context.Context, o options, rep *report, env *benchEnv, srv *process, base string) error {
	fx, err := newFixtures(base)
	if err != nil {
		return err
	}
	progress(env.stderr, "preparing %d sessions at step 2 and %d drafts ready to submit (%d of them for the open loop), through the forms",
		stepSessions, o.Submits+openLoopSubmits(o), openLoopSubmits(o))
	sessions, err := fx.drafts(ctx, stepSessions, func() (visitorSession, error) { return fx.draftAt(1, true) })
	if err != nil {
		return fmt.Errorf("prepare sessions: %w", err)
	}
	ready, err := fx.drafts(ctx, o.Submits+openLoopSubmits(o)+1, func() (visitorSession, error) { return fx.draftAt(len(fx.q.Steps), false) })
	if err != nil {
		return fmt.Errorf("prepare drafts: %w", err)
	}
	ready, openReady := ready[:o.Submits+1], ready[o.Submits+1:]
	fx.client.CloseIdleConnections()
	if rep.FixtureRSS, err = peakRSS(srv.pid()); err != nil {
		return err
	}

	header := http.Header{}
	if o.Gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	get := func(path string, s visitorSession) request {
		return request{Method: http.MethodGet, Path: path, Header: withCookie(header, s)}
	}
	each := func(ss []visitorSession, build func(visitorSession) request) []request {
		out := make([]request, len(ss))
		for i, s := range ss {
			out[i] = build(s)
		}
		return out
	}
	stepBody := []byte(fx.stepForm(2).Encode())
	formHeader := header.Clone()
	formHeader.Set("Content-Type", "application/x-www-form-urlencoded")

	routes := []wrkRoute{
		{Name: "landing", Reqs: []request{get("/", "")}, Want: expect{Status: http.StatusOK}, Bare: true},
		{Name: "step-get", Reqs: each(sessions, func(s visitorSession) request { return get("/step/2", s) }),
			Want: expect{Status: http.StatusOK}, Bare: true},
		{Name: "step-post", Reqs: each(sessions, func(s visitorSession) request {
			return request{Method: http.MethodPost, Path: "/step/2", Header: withCookie(formHeader, s), Body: stepBody}
		}), Want: expect{Status: http.StatusSeeOther, Location: "/step/3"}},
	}
	// A step holding words the visitor typed is never kept: it is rendered
	// for them on every view. Measured over drafts the submit route will
	// submit afterwards; a GET does not change what they submit.
	if n := fx.textStep(); n > 0 {
		path := "/step/" + strconv.Itoa(n)
		routes = append(routes, wrkRoute{Name: "step-typed",
			Reqs: each(ready[1:min(len(ready), 1+stepSessions)], func(s visitorSession) request { return get(path, s) }),
			Want: expect{Status: http.StatusOK}, Bare: true})
	}
	for _, r := range routes {
		if err := measureWrkRoute(ctx, o, rep, env, srv, base, r); err != nil {
			return err
		}
	}

	m, err := measureSubmits(ctx, o, env, srv, base, ready, withCookie(formHeader, ""), fx.contactStep())
	if err != nil {
		return err
	}
	// The result routes read results the submits made.
	var pages, docs []request
	for _, res := range m.Results {
		if loc := res.Headers.Get("Location"); strings.HasPrefix(loc, "/r/") && len(pages) < resultPages {
			pages = append(pages, get(loc, ""))
			docs = append(docs, get(loc+".json", ""))
		}
	}
	m.Results = nil
	rep.Routes = append(rep.Routes, m)
	if len(pages) == 0 {
		return fmt.Errorf("no submit produced a result; see %s", srv.log.Name())
	}
	open, err := measureOpenSubmits(ctx, o, env, srv, base, openReady, withCookie(formHeader, ""), fx.contactStep(), m.Rate()/2)
	if err != nil {
		return err
	}
	rep.Routes = append(rep.Routes, open)
	for _, r := range []wrkRoute{
		{Name: "result", Reqs: pages, Want: expect{Status: http.StatusOK}, Bare: true},
		{Name: "result-json", Reqs: docs, Want: expect{Status: http.StatusOK}, Bare: true},
	} {
		if err := measureWrkRoute(ctx, o, rep, env, srv, base, r); err != nil {
			return err
		}
	}
	return nil
}

// withCookie is h with the session's cookie, when there is one.
func withCookie(h http.Header, s visitorSession) http.Header {
	h = h.Clone()
	if s != "" {
		h.Set("Cookie", string(s))
	}
	return h
}

// measureWrkRoute checks the route answers as it should, warms it up,
// measures it (profiling the server when asked), and then its bare
// ceiling.
func measureWrkRoute(ctx context.Context, o options, rep *report, env *benchEnv, srv *process, base string, r wrkRoute) error {
	body, header, err := probe(base, r.Reqs[0], r.Want)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	progress(env.stderr, "%s: %d clients for %s after %s warm-up, with wrk", r.Name, o.Clients, o.Duration, o.Warmup)
	m, err := env.loadWithWrk(ctx, o, r, r.Name, srv, base)
	if err != nil {
		return err
	}
	m.Bytes = len(body)
	rep.Routes = append(rep.Routes, m)
	if !r.Bare {
		return nil
	}
	c, err := measureBare(ctx, o, env, r, body, header)
	if err != nil {
		return fmt.Errorf("bare ceiling for %s: %w", r.Name, err)
	}
	if rep.Bares == nil {
		rep.Bares = map[string]bareCeiling{}
	}
	rep.Bares[r.Name] = c
	return nil
}

// loadWithWrk warms the route up, then measures it, with a profile of the
// measured part when the bench was asked for one.
func (env *benchEnv) loadWithWrk(ctx context.Context, o options, r wrkRoute, name string, p *process, base string) (measurement, error) {
	if o.Warmup > 0 {
		if _, err := env.wrk.run(ctx, name+"-warmup", base, p.pid(), r.Reqs, r.Want, o.Warmup); err != nil {
			return measurement{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := env.profiles.start(ctx, p); err != nil {
		return measurement{}, fmt.Errorf("%s: %w", name, err)
	}
	m, err := env.wrk.run(ctx, name, base, p.pid(), r.Reqs, r.Want, o.Duration)
	if err != nil {
		return m, fmt.Errorf("%s: %w", name, err)
	}
	if err := env.profiles.stop(ctx, p, name); err != nil {
		return m, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// measureSubmits submits every prepared draft once, the first as a probe.
func measureSubmits(ctx context.Context, o options, env *benchEnv, srv *process, base string, ready []visitorSession, form http.Header, contactStep int) (measurement, error) {
	path := "/step/" + strconv.Itoa(contactStep)
	body := []byte(contactForm().Encode())
	want := expect{Status: http.StatusSeeOther, Location: "/r/"}
	if _, _, err := probe(base, request{Method: http.MethodPost, Path: path, Header: withCookie(form, ready[0]), Body: body}, want); err != nil {
		return measurement{}, fmt.Errorf("submit: %w", err)
	}
	var targets []vegeta.Target
	for _, s := range ready[1:] {
		targets = append(targets, vegeta.Target{Method: http.MethodPost, URL: base + path, Body: body, Header: withCookie(form, s)})
	}
	progress(env.stderr, "submit: %d clients until %d drafts are submitted, with the bench's Go generator", o.Clients, len(targets))
	ld := &loader{clients: o.Clients, server: srv.pid()}
	m, err := ld.submit(ctx, submitRoute{Name: "submit", Targets: once(targets), Want: want})
	if err != nil {
		return m, fmt.Errorf("submit: %w", err)
	}
	return m, nil
}

// openLoopSubmits is how many drafts the open loop submits: a third of the
// closed loop's, at least one, so its p99 rests on the tenth-worst of 1,000
// with the default -submits. Every draft the bench makes stays in the
// database and, measured on the built binary, each thousand made through
// the forms raises the server's peak RSS by about 2 MB: a full second set
// would have moved the memory row by 6 MB for the open loop's sake.
func openLoopSubmits(o options) int { return max(1, o.Submits/3) }

// measureOpenSubmits submits each of ready once at a fixed rate a second
// (an open loop), as visitors arriving at that rate would.
func measureOpenSubmits(ctx context.Context, o options, env *benchEnv, srv *process, base string, ready []visitorSession, form http.Header, contactStep int, rate float64) (measurement, error) {
	path := "/step/" + strconv.Itoa(contactStep)
	body := []byte(contactForm().Encode())
	var targets []vegeta.Target
	for _, s := range ready {
		targets = append(targets, vegeta.Target{Method: http.MethodPost, URL: base + path, Body: body, Header: withCookie(form, s)})
	}
	progress(env.stderr, "submit, open loop: %d drafts at %.0f a second (half the closed loop's rate), with the bench's Go generator", len(targets), rate)
	ld := &loader{clients: o.Clients, server: srv.pid()}
	m, err := ld.openLoop(ctx, submitRoute{Name: "submit-open", Targets: once(targets), Want: expect{Status: http.StatusSeeOther, Location: "/r/"}}, rate)
	if err != nil {
		return m, fmt.Errorf("submit, open loop: %w", err)
	}
	return m, nil
}

// bareCeiling is a bare handler's figures, serving one route's bytes.
type bareCeiling struct {
	measurement
	Size     int    // body bytes
	Encoding string // its Content-Encoding
}

// measureBare serves a route's bytes and headers, as the real server sent
// them, from a bare net/http handler, and loads it as the route was.
func measureBare(ctx context.Context, o options, env *benchEnv, r wrkRoute, body []byte, header http.Header) (bareCeiling, error) {
	self, err := os.Executable()
	if err != nil {
		return bareCeiling{}, err
	}
	file := filepath.Join(env.dir, r.Name+".body")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		return bareCeiling{}, err
	}
	var headers bytes.Buffer
	if err := header.Write(&headers); err != nil {
		return bareCeiling{}, err
	}
	headerFile := filepath.Join(env.dir, r.Name+".header")
	if err := os.WriteFile(headerFile, headers.Bytes(), 0o644); err != nil {
		return bareCeiling{}, err
	}
	addr, err := freeAddr()
	if err != nil {
		return bareCeiling{}, err
	}
	started := time.Now()
	p, err := startProcess(self, []string{"bare", "-addr", addr, "-body", file, "-header", headerFile},
		filepath.Join(env.dir, "bare-"+r.Name+".log"), env.profiles.env("bare-"+r.Name)...)
	if err != nil {
		return bareCeiling{}, err
	}
	defer p.stop()
	base := "http://" + addr
	if _, err := p.waitReady(ctx, base+"/", started, 10*time.Second); err != nil {
		return bareCeiling{}, err
	}
	progress(env.stderr, "bare ceiling for %s: the same load", r.Name)
	m, err := env.loadWithWrk(ctx, o, r, "bare-"+r.Name, p, base)
	if err != nil {
		return bareCeiling{}, err
	}
	m.Bytes = len(body)
	return bareCeiling{measurement: m, Size: len(body), Encoding: header.Get("Content-Encoding")}, nil
}

// measureInserts runs the raw SQLite ceiling in its own process on the
// server's CPU.
func measureInserts(ctx context.Context, o options, dir string) (insertCeiling, error) {
	self, err := os.Executable()
	if err != nil {
		return insertCeiling{}, err
	}
	name, args := self, []string{"sqlite-ceiling", "-db", filepath.Join(dir, "ceiling.db"), "-duration", o.Duration.String()}
	if pinned() {
		name, args = "taskset", append([]string{"-c", serverCPU, self}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = cleanEnv()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	busy0, err := cpuBusy()
	if err != nil {
		return insertCeiling{}, err
	}
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return insertCeiling{}, fmt.Errorf("sqlite ceiling: %w: %s", err, errOut.String())
	}
	wall := time.Since(began)
	busy1, err := cpuBusy()
	if err != nil {
		return insertCeiling{}, err
	}
	var c insertCeiling
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		return c, fmt.Errorf("sqlite ceiling output %q: %w", out.String(), err)
	}
	// The process's start-up and its own database set-up count as its
	// work; everything else on its CPU is someone else's.
	c.Wall = wall
	c.ProcCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	for i := range min(len(busy0), len(busy1)) {
		c.Busy = append(c.Busy, busy1[i]-busy0[i])
	}
	return c, nil
}

// loggedErrors counts the ERROR lines in a server log.
type loggedErrors struct {
	All int
	// Abandoned are requests whose client left before the answer: wrk
	// closes its connections mid-request when its time is up.
	Abandoned int
}

func countLoggedErrors(path string) loggedErrors {
	b, err := os.ReadFile(path)
	if err != nil {
		return loggedErrors{All: -1}
	}
	var n loggedErrors
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "level=ERROR") {
			n.All++
			if strings.Contains(line, "context canceled") {
				n.Abandoned++
			}
		}
	}
	return n
}

// median of durations.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// measurePostgresSubmits measures the submit route again with the server on
// PostgreSQL, on the same machine in the same run, so the two stores'
// submits can be read side by side. The database must be empty: it is
// migrated on start.
func measurePostgresSubmits(ctx context.Context, o options, rep *report, env *benchEnv, bin string) error {
	progress(env.stderr, "the submit route on PostgreSQL")
	// Several instances share one key on PostgreSQL; one is enough here.
	key := "FITCHECK_SESSION_KEY=bench-only-session-key-0123456789abcdef"
	srv, base, _, err := startFitcheckOn(ctx, bin, filepath.Join(env.dir, "site-pg"), o.Postgres, key)
	if err != nil {
		return fmt.Errorf("start fitcheck on PostgreSQL: %w", err)
	}
	defer srv.stop()
	fx, err := newFixtures(base)
	if err != nil {
		return err
	}
	ready, err := fx.drafts(ctx, o.Submits+1, func() (visitorSession, error) { return fx.draftAt(len(fx.q.Steps), false) })
	if err != nil {
		return fmt.Errorf("prepare drafts on PostgreSQL: %w", err)
	}
	fx.client.CloseIdleConnections()
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if o.Gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	m, err := measureSubmits(ctx, o, env, srv, base, ready, header, fx.contactStep())
	if err != nil {
		return fmt.Errorf("submit on PostgreSQL: %w", err)
	}
	m.Name, m.Results = "submit-pg", nil
	rep.Routes = append(rep.Routes, m)
	return srv.stop()
}
