package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// wrkInstallHint says how to get wrk where it is missing.
const wrkInstallHint = "the bench drives its routes with wrk, which is not installed (or not on PATH): " +
	"install it with `sudo apt-get install wrk` (Debian, Ubuntu) or `brew install wrk` (macOS), then run the bench again"

// findWrk is wrk's path, or an error saying how to install it.
func findWrk() (string, error) {
	path, err := exec.LookPath("wrk")
	if err != nil {
		return "", errors.New(wrkInstallHint)
	}
	return path, nil
}

// request is one HTTP request a route sends, as wrk will send it.
type request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// expect is what a visitor should get back; anything else is an error.
type expect struct {
	Status   int
	Location string // prefix the Location header must start with; "" checks none
}

func (e expect) ok(status int, h http.Header) bool {
	if status != e.Status {
		return false
	}
	return e.Location == "" || strings.HasPrefix(h.Get("Location"), e.Location)
}

// raw is the request as bytes on the wire, the way wrk.format writes it
// (Host first, Content-Length for a body), so wrk only hands out strings.
func (r request) raw(host string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", r.Method, r.Path, host)
	h := r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if len(r.Body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(r.Body)))
	}
	h.Write(&b)
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.String()
}

// wrkScript is the Lua script wrk runs for a route: it sends reqs in
// turn, checks every response's status (and Location) against want, and
// prints what it measured on one line the bench reads back. Checking each
// response costs wrk about a tenth more CPU than not looking, which it has
// to spare: it needs about 0.7 of a core where the server needs 1.
func wrkScript(host string, reqs []request, want expect) string {
	var b strings.Builder
	b.WriteString("local reqs = {\n")
	for _, r := range reqs {
		b.WriteString("  " + luaString(r.raw(host)) + ",\n")
	}
	b.WriteString("}\n")
	fmt.Fprintf(&b, "local want_status, want_location = %d, %s\n", want.Status, luaString(want.Location))
	b.WriteString(wrkScriptBody)
	return b.String()
}

const wrkScriptBody = `local i = 0
local threads = {}
bad = 0
first_bad = ""

function setup(thread)
  table.insert(threads, thread)
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body)
  local loc = headers["Location"] or ""
  if status ~= want_status or string.sub(loc, 1, #want_location) ~= want_location then
    bad = bad + 1
    if first_bad == "" then
      first_bad = "status " .. status
      if loc ~= "" then first_bad = first_bad .. " to " .. loc end
    end
  end
end

function done(summary, latency, requests)
  local nbad, first = 0, ""
  for _, t in ipairs(threads) do
    nbad = nbad + t:get("bad")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("\n` + wrkResultMarker + ` requests=%d duration_us=%d bad=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d p999_us=%d first_bad=%s\n",
    summary.requests, summary.duration, nbad, e.connect, e.read, e.write, e.timeout,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)), math.floor(latency:percentile(99.9)), first))
end
`

// wrkResultMarker starts the line the script prints at the end.
const wrkResultMarker = "fitcheck-bench-wrk"

// luaString quotes s as a Lua string literal. Everything but plain
// printable ASCII is written as a decimal escape, which every Lua reads.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrkResult is what one wrk run reported.
type wrkResult struct {
	Requests int
	Elapsed  time.Duration // wrk's own measuring window
	Bad      int           // answered, but not as a visitor should be
	Socket   int           // connect, read, write errors and timeouts
	FirstBad string
	P50      time.Duration
	P99      time.Duration
	P999     time.Duration
}

// parseWrkResult reads the line wrkScript's done() prints.
func parseWrkResult(out []byte) (wrkResult, error) {
	var line string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), wrkResultMarker+" "); ok {
			line = rest
		}
	}
	if line == "" {
		return wrkResult{}, fmt.Errorf("wrk printed no %s line", wrkResultMarker)
	}
	fields, first, _ := strings.Cut(line, " first_bad=")
	var r wrkResult
	r.FirstBad = first
	n := map[string]int64{}
	for f := range strings.FieldsSeq(fields) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return r, fmt.Errorf("wrk result field %q", f)
		}
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return r, fmt.Errorf("wrk result field %q: %w", f, err)
		}
		n[k] = x
	}
	for _, k := range []string{"requests", "duration_us", "bad", "connect", "read", "write", "timeout", "p50_us", "p99_us", "p999_us"} {
		if _, ok := n[k]; !ok {
			return r, fmt.Errorf("wrk result lacks %s: %q", k, line)
		}
	}
	r.Requests, r.Bad = int(n["requests"]), int(n["bad"])
	r.Socket = int(n["connect"] + n["read"] + n["write"] + n["timeout"])
	r.Elapsed = time.Duration(n["duration_us"]) * time.Microsecond
	r.P50 = time.Duration(n["p50_us"]) * time.Microsecond
	r.P99 = time.Duration(n["p99_us"]) * time.Microsecond
	r.P999 = time.Duration(n["p999_us"]) * time.Microsecond
	return r, nil
}

// wrkLoad drives routes with wrk: one thread (the generator has one core)
// holding a kept-alive connection per client, each sending its next
// request when the last is answered.
type wrkLoad struct {
	wrk     string // its path
	clients int
	dir     string // where scripts are written
}

// run loads base with reqs for d (whole seconds) and measures the server
// with process id pid while it does.
func (l *wrkLoad) run(ctx context.Context, name, base string, pid int, reqs []request, want expect, d time.Duration) (measurement, error) {
	m := measurement{Name: name, Generator: "wrk"}
	host := strings.TrimPrefix(base, "http://")
	script := filepath.Join(l.dir, name+".lua")
	if err := os.WriteFile(script, []byte(wrkScript(host, reqs, want)), 0o644); err != nil {
		return m, err
	}
	cmd := exec.CommandContext(ctx, l.wrk, "-t1", "-c", strconv.Itoa(l.clients),
		"-d", strconv.Itoa(int(d/time.Second))+"s", "--timeout", "10s", "-s", script, base+"/")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	w, err := startWindow(pid)
	if err != nil {
		return m, err
	}
	if err := cmd.Run(); err != nil {
		return m, fmt.Errorf("wrk: %w: %s%s", err, errOut.String(), out.String())
	}
	genCPU := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if err := w.end(&m, genCPU); err != nil {
		return m, err
	}
	res, err := parseWrkResult(out.Bytes())
	if err != nil {
		return m, fmt.Errorf("%w: %s", err, out.String())
	}
	m.Requests = res.Requests
	m.OK = res.Requests - res.Bad
	m.Errors = res.Bad + res.Socket
	m.ErrorKind = res.FirstBad
	if m.ErrorKind == "" && res.Socket > 0 {
		m.ErrorKind = "socket errors or timeouts"
	}
	m.Elapsed = res.Elapsed
	m.P50, m.P99, m.P999 = res.P50, res.P99, res.P999
	if m.PeakRSS, err = peakRSS(pid); err != nil {
		return m, err
	}
	return m, nil
}
