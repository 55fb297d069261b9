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

func bench(ctx context.Context, o options, stdout, stderr io.Writer) error {
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
	rep := &report{Options: o, Machine: describeMachine(dir), Started: time.Now().UTC(), Code: codeVersion(root)}

	progress(stderr, "building ./cmd/fitcheck")
	bin := filepath.Join(dir, "fitcheck")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/fitcheck")
	build.Dir, build.Stdout, build.Stderr = root, stderr, stderr
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

	srv, base, _, err := startFitcheck(ctx, bin, filepath.Join(dir, "site"))
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := measureSite(ctx, o, rep, srv, base, stderr); err != nil {
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

	if err := measureBare(ctx, o, rep, dir, stderr); err != nil {
		return err
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
	return nil
}

// startFitcheck starts the real server on a fresh database in dir and
// returns it once /healthz answers, with the time that took from exec.
func startFitcheck(ctx context.Context, bin, dir string) (*process, string, time.Duration, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", 0, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", 0, err
	}
	base := "http://" + addr
	args := []string{"-addr", addr, "-db", filepath.Join(dir, "fitcheck.db"),
		// Load comes faster than any person: without these the server would
		// (rightly) turn it away as automated.
		"-min-completion-time", "0", "-post-limit", "100000000"}
	started := time.Now()
	p, err := startProcess(bin, args, filepath.Join(dir, "server.log"))
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

// measureSite loads each route of the running server in turn.
func measureSite(ctx context.Context, o options, rep *report, srv *process, base string, stderr io.Writer) error {
	fx, err := newFixtures(base)
	if err != nil {
		return err
	}
	progress(stderr, "preparing %d sessions at step 2 and %d drafts ready to submit, through the forms", stepSessions, o.Submits)
	sessions, err := fx.drafts(ctx, stepSessions, func() (visitorSession, error) { return fx.draftAt(1, true) })
	if err != nil {
		return fmt.Errorf("prepare sessions: %w", err)
	}
	ready, err := fx.drafts(ctx, o.Submits+1, func() (visitorSession, error) { return fx.draftAt(len(fx.q.Steps), false) })
	if err != nil {
		return fmt.Errorf("prepare drafts: %w", err)
	}
	fx.client.CloseIdleConnections()

	header := http.Header{}
	if o.Gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	if rep.landingBytes, rep.landingHeader, err = captureLanding(base, header); err != nil {
		return err
	}
	if rep.FixtureRSS, err = peakRSS(srv.pid()); err != nil {
		return err
	}
	ld := &loader{clients: o.Clients, header: header, server: srv.pid()}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	withSession := func(h http.Header, s visitorSession) http.Header {
		h = h.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Cookie", string(s))
		return h
	}
	each := func(method, path string, body []byte, h http.Header) []vegeta.Target {
		out := make([]vegeta.Target, len(sessions))
		for i, s := range sessions {
			out[i] = vegeta.Target{Method: method, URL: base + path, Body: body, Header: withSession(h, s)}
		}
		return out
	}
	contact := "/step/" + strconv.Itoa(fx.contactStep())
	var submits []vegeta.Target
	for _, s := range ready {
		submits = append(submits, vegeta.Target{Method: http.MethodPost, URL: base + contact,
			Body: []byte(contactForm().Encode()), Header: withSession(form, s)})
	}

	routes := []struct {
		route
		first vegeta.Target
	}{
		{route{Name: "landing", OK: status(http.StatusOK)}, vegeta.Target{Method: http.MethodGet, URL: base + "/"}},
		{route{Name: "step-get", OK: status(http.StatusOK)}, each(http.MethodGet, "/step/2", nil, nil)[0]},
		{route{Name: "step-post", OK: redirectTo("/step/3")}, each(http.MethodPost, "/step/2", []byte(fx.stepForm(2).Encode()), form)[0]},
		{route{Name: "submit", OK: redirectTo("/r/"), SingleUse: true, Keep: true}, submits[0]},
	}
	routes[0].Targets = rotate([]vegeta.Target{routes[0].first})
	routes[1].Targets = rotate(each(http.MethodGet, "/step/2", nil, nil))
	routes[2].Targets = rotate(each(http.MethodPost, "/step/2", []byte(fx.stepForm(2).Encode()), form))
	routes[3].Targets = once(submits[1:]) // the first is spent on the probe

	// A step holding words the visitor typed is never kept: it is rendered
	// for them on every view. Measured over drafts the submit route will
	// submit afterwards; a GET does not change what they submit.
	if n := fx.textStep(); n > 0 {
		path := "/step/" + strconv.Itoa(n)
		var typed []vegeta.Target
		for _, s := range ready[1:min(len(ready), 1+stepSessions)] {
			typed = append(typed, vegeta.Target{Method: http.MethodGet, URL: base + path, Header: withSession(nil, s)})
		}
		if len(typed) > 0 {
			r := routes[3]
			routes[3].route = route{Name: "step-typed", OK: status(http.StatusOK), Targets: rotate(typed)}
			routes[3].first = typed[0]
			routes = append(routes, r)
		}
	}

	for _, r := range routes {
		m, err := measureRoute(ctx, ld, r.route, r.first, header, o, stderr)
		if err != nil {
			return err
		}
		rep.Routes = append(rep.Routes, m)
	}

	// The result routes read results the submit route made.
	var pages, docs []vegeta.Target
	for _, res := range rep.Routes[len(rep.Routes)-1].Results {
		if loc := res.Headers.Get("Location"); strings.HasPrefix(loc, "/r/") && len(pages) < resultPages {
			pages = append(pages, vegeta.Target{Method: http.MethodGet, URL: base + loc})
			docs = append(docs, vegeta.Target{Method: http.MethodGet, URL: base + loc + ".json"})
		}
	}
	rep.Routes[len(rep.Routes)-1].Results = nil
	if len(pages) == 0 {
		return fmt.Errorf("no submit produced a result; see %s", srv.log.Name())
	}
	for _, r := range []struct {
		route
		first vegeta.Target
	}{
		{route{Name: "result", OK: status(http.StatusOK), Targets: rotate(pages)}, pages[0]},
		{route{Name: "result-json", OK: status(http.StatusOK), Targets: rotate(docs)}, docs[0]},
	} {
		m, err := measureRoute(ctx, ld, r.route, r.first, header, o, stderr)
		if err != nil {
			return err
		}
		rep.Routes = append(rep.Routes, m)
	}
	return nil
}

func measureRoute(ctx context.Context, ld *loader, r route, first vegeta.Target, header http.Header, o options, stderr io.Writer) (measurement, error) {
	size, err := probe(first, header, r.OK)
	if err != nil {
		return measurement{}, fmt.Errorf("%s: %w", r.Name, err)
	}
	if r.SingleUse {
		progress(stderr, "%s: %d clients until %d drafts are submitted", r.Name, o.Clients, o.Submits)
	} else {
		progress(stderr, "%s: %d clients for %s after %s warm-up", r.Name, o.Clients, o.Duration, o.Warmup)
	}
	m, err := ld.run(ctx, r, o.Warmup, o.Duration)
	if err != nil {
		return m, fmt.Errorf("%s: %w", r.Name, err)
	}
	m.Bytes = size
	return m, nil
}

// measureBare captures the landing page as the real server sent it and
// serves those bytes from a bare net/http handler, under the same load.
func measureBare(ctx context.Context, o options, rep *report, dir string, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	body := rep.landingBytes
	if body == nil {
		return fmt.Errorf("no landing page was captured")
	}
	file := filepath.Join(dir, "landing.body")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		return err
	}
	var headers bytes.Buffer
	if err := rep.landingHeader.Write(&headers); err != nil {
		return err
	}
	headerFile := filepath.Join(dir, "landing.header")
	if err := os.WriteFile(headerFile, headers.Bytes(), 0o644); err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	started := time.Now()
	p, err := startProcess(self, []string{"bare", "-addr", addr, "-body", file, "-header", headerFile},
		filepath.Join(dir, "bare.log"))
	if err != nil {
		return err
	}
	defer p.stop()
	base := "http://" + addr
	if _, err := p.waitReady(ctx, base+"/", started, 10*time.Second); err != nil {
		return err
	}
	header := http.Header{}
	if o.Gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	ld := &loader{clients: o.Clients, header: header, server: p.pid()}
	first := vegeta.Target{Method: http.MethodGet, URL: base + "/"}
	rep.Bare, err = measureRoute(ctx, ld, route{Name: "bare", OK: status(http.StatusOK), Targets: rotate([]vegeta.Target{first})},
		first, header, o, stderr)
	return err
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
	if err := cmd.Run(); err != nil {
		return insertCeiling{}, fmt.Errorf("sqlite ceiling: %w: %s", err, errOut.String())
	}
	var c insertCeiling
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		return c, fmt.Errorf("sqlite ceiling output %q: %w", out.String(), err)
	}
	return c, nil
}

// captureLanding fetches the landing page as a browser would be sent it:
// its body and the headers the bare ceiling should send with it.
func captureLanding(base string, header http.Header) ([]byte, http.Header, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/", nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true, DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET / = %d", resp.StatusCode)
	}
	// net/http writes these itself, per response.
	h := resp.Header.Clone()
	for _, k := range []string{"Date", "Content-Length", "Connection"} {
		h.Del(k)
	}
	return body, h, nil
}

// countLoggedErrors counts ERROR lines in a server log.
func countLoggedErrors(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "level=ERROR") {
			n++
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
