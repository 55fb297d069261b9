package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// measurement is what one route (or ceiling) did under load.
type measurement struct {
	Name      string
	Generator string // "wrk", or "Go" for the bench's own generator
	Requests  int    // answered, in the measured window
	OK        int
	Errors    int
	ErrorKind string        // the first error seen, to say what went wrong
	Elapsed   time.Duration // the generator's measuring window, for rates
	Wall      time.Duration // from the generator's start to its end, for CPU shares
	P50       time.Duration
	P99       time.Duration
	P999      time.Duration
	ServerCPU time.Duration   // CPU the server used in the wall time
	GenCPU    time.Duration   // CPU the load generator used in the wall time
	BenchCPU  time.Duration   // CPU the bench used beside a generator of its own (wrk)
	CPUBusy   []time.Duration // each CPU's busy time in the wall time, whoever used it
	Bytes     int             // body bytes of one response on the wire
	PeakRSS   int64           // the server's VmHWM after the route
	Offered   float64         // an open loop's fixed rate a second; 0 for a closed loop
	Results   []*vegeta.Result
}

// Rate is answered-as-expected requests per second.
func (m measurement) Rate() float64 {
	if m.Elapsed <= 0 {
		return 0
	}
	return float64(m.OK) / m.Elapsed.Seconds()
}

// CPUPerRequest is the server's CPU time per answered request: a figure the
// load generator's own limits cannot inflate much.
func (m measurement) CPUPerRequest() time.Duration {
	if m.Requests == 0 {
		return 0
	}
	return m.ServerCPU / time.Duration(m.Requests)
}

// share is d as a fraction of one core over the row's wall time.
func (m measurement) share(d time.Duration) float64 {
	if m.Wall <= 0 {
		return 0
	}
	return d.Seconds() / m.Wall.Seconds()
}

// ServerShare and GeneratorShare are how busy each side kept its core.
func (m measurement) ServerShare() float64    { return m.share(m.ServerCPU) }
func (m measurement) GeneratorShare() float64 { return m.share(m.GenCPU) }

// Others is the CPU other work took, as a fraction of one core: on the
// server's CPU and on the generator's when pinned, or across the machine
// (in server) when not. Another engineer's compile shows up here.
func (m measurement) Others(pinned bool) (server, generator float64) {
	if len(m.CPUBusy) == 0 {
		return 0, 0
	}
	gen := m.GenCPU + m.BenchCPU
	if pinned && len(m.CPUBusy) > 1 {
		return max(0, m.share(m.CPUBusy[0]-m.ServerCPU)), max(0, m.share(m.CPUBusy[1]-gen))
	}
	var all time.Duration
	for _, b := range m.CPUBusy {
		all += b
	}
	return max(0, m.share(all-m.ServerCPU-gen)), 0
}

// submitRoute is a route whose requests each change state for good (a
// draft is submitted once), so wrk's endless rotation cannot drive it:
// the bench's own Go generator hands each request out once.
type submitRoute struct {
	Name    string
	Targets vegeta.Targeter
	Want    expect
}

// loader is the bench's own Go generator (vegeta's library), for the
// submit: a fixed number of clients, each sending its next request as soon
// as the last is answered (a closed loop).
type loader struct {
	clients int
	header  http.Header // sent with every request (Accept-Encoding)
	server  int         // pid whose CPU is charged to the route
	// inFlight bounds the open loop's requests in flight (and so its
	// connections); 0 means openLoopInFlight times clients.
	inFlight int
}

// openLoopInFlight is how many requests, per closed-loop client, the open
// loop may have in flight before it falls behind its schedule: at half the
// server's capacity a handful are in flight, and a generator held back
// shows in the latencies, counted from the schedule. One per client keeps
// the server's connections (and memory) to the closed loop's: a trial with
// ten let an overloaded run open a thousand and raise peak RSS by 14 MB.
const openLoopInFlight = 1

// attacker makes an attacker with a transport of its own, which the caller
// closes when the route is done: connections left idle would stay open on
// the server (with their buffers and goroutines) through every later route.
func (l *loader) attacker() (*vegeta.Attacker, *http.Transport) {
	return l.attackerOf(l.clients, l.clients)
}

func (l *loader) attackerOf(workers, maxWorkers int) (*vegeta.Attacker, *http.Transport) {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: maxWorkers,
		MaxConnsPerHost:     maxWorkers,
	}
	client := &http.Client{
		Transport:     tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return vegeta.NewAttacker(
		vegeta.Client(client),
		vegeta.Workers(uint64(workers)),
		vegeta.MaxWorkers(uint64(maxWorkers)),
		// Bodies are read to the end but not kept: the generator has one
		// core and should spend it on requests.
		vegeta.MaxBody(0),
	), tr
}

// submit sends each of r's targets once, with the clients in a closed
// loop, and keeps every response's headers: a submit's Location names the
// result the result routes read.
func (l *loader) submit(ctx context.Context, r submitRoute) (measurement, error) {
	m := measurement{Name: r.Name, Generator: "Go"}
	atk, tr := l.attacker()
	defer tr.CloseIdleConnections()
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	targets := r.Targets
	if len(l.header) > 0 {
		targets = withHeader(targets, l.header)
	}
	w, err := startWindow(l.server)
	if err != nil {
		return m, err
	}
	began := time.Now()
	latencies := make([]time.Duration, 0, 1<<14)
	// A zero duration: until the targets run out.
	for res := range atk.Attack(targets, vegeta.ConstantPacer{}, 0, "") {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		m.Requests++
		latencies = append(latencies, res.Latency)
		if res.Error == "" && r.Want.ok(int(res.Code), res.Headers) {
			m.OK++
		} else {
			m.Errors++
			if m.ErrorKind == "" {
				m.ErrorKind = describe(res)
			}
		}
		res.Body = nil
		m.Results = append(m.Results, res)
	}
	m.Elapsed = time.Since(began)
	if err := w.end(&m, 0); err != nil {
		return m, err
	}
	if m.PeakRSS, err = peakRSS(l.server); err != nil {
		return m, err
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	slices.Sort(latencies)
	m.P50, m.P99, m.P999 = quantile(latencies, 0.50), quantile(latencies, 0.99), quantile(latencies, 0.999)
	return m, nil
}

// openLoop sends each of r's targets once at a fixed rate per second,
// whether or not earlier ones were answered (an open loop, as visitors
// arrive), and reports each request's latency from the moment the schedule
// meant to send it. A closed loop at saturation measures the queue its own
// clients make; an open loop at a rate the server can sustain measures the
// server. Counting from the schedule, not from when a request went out,
// keeps a stall from hiding the requests it delayed ("coordinated
// omission").
func (l *loader) openLoop(ctx context.Context, r submitRoute, rate float64) (measurement, error) {
	m := measurement{Name: r.Name, Generator: "Go", Offered: rate}
	if rate <= 0 {
		return m, fmt.Errorf("open loop at %v a second: the rate must be positive", rate)
	}
	inFlight := l.inFlight
	if inFlight == 0 {
		inFlight = openLoopInFlight * l.clients
	}
	atk, tr := l.attackerOf(min(l.clients, inFlight), inFlight)
	defer tr.CloseIdleConnections()
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	w, err := startWindow(l.server)
	if err != nil {
		return m, err
	}
	interval := time.Duration(float64(time.Second) / rate)
	pacer := vegeta.ConstantPacer{Freq: 1, Per: interval}
	began := time.Now()
	var sent []*vegeta.Result
	for res := range atk.Attack(r.Targets, pacer, 0, "") {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		m.Requests++
		if res.Error == "" && r.Want.ok(int(res.Code), res.Headers) {
			m.OK++
		} else {
			m.Errors++
			if m.ErrorKind == "" {
				m.ErrorKind = describe(res)
			}
		}
		res.Body, res.Headers = nil, nil
		sent = append(sent, res)
	}
	m.Elapsed = time.Since(began)
	if err := w.end(&m, 0); err != nil {
		return m, err
	}
	if m.PeakRSS, err = peakRSS(l.server); err != nil {
		return m, err
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	latencies := fromSchedule(sent, interval)
	m.P50, m.P99, m.P999 = quantile(latencies, 0.50), quantile(latencies, 0.99), quantile(latencies, 0.999)
	return m, nil
}

// fromSchedule is each result's latency counted from when a schedule of
// one request per interval meant to send it (request Seq at Seq intervals
// after the first), sorted. The schedule's start is the earliest any
// result implies: a request sent late only makes its own start later.
func fromSchedule(results []*vegeta.Result, interval time.Duration) []time.Duration {
	if len(results) == 0 {
		return nil
	}
	intended := func(r *vegeta.Result) time.Duration { return time.Duration(r.Seq) * interval }
	start := results[0].Timestamp.Add(-intended(results[0]))
	for _, r := range results[1:] {
		if s := r.Timestamp.Add(-intended(r)); s.Before(start) {
			start = s
		}
	}
	out := make([]time.Duration, len(results))
	for i, r := range results {
		out[i] = r.End().Sub(start.Add(intended(r)))
	}
	slices.Sort(out)
	return out
}

// quantile is the nearest-rank quantile of sorted samples.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func describe(res *vegeta.Result) string {
	if res.Code == 0 {
		return res.Error
	}
	return describeResponse(int(res.Code), res.Headers)
}

func describeResponse(status int, h http.Header) string {
	s := fmt.Sprintf("status %d", status)
	if loc := h.Get("Location"); loc != "" {
		s += " to " + loc
	}
	return s
}

// withHeader adds header to every target.
func withHeader(tr vegeta.Targeter, header http.Header) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		if err := tr(t); err != nil {
			return err
		}
		h := t.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		for k, v := range header {
			h[k] = v
		}
		t.Header = h
		return nil
	}
}

// probe sends one request, checks the answer is what a visitor should get,
// and returns its body as sent on the wire and its headers, less those
// net/http writes itself per response.
func probe(base string, r request, want expect) ([]byte, http.Header, error) {
	req, err := http.NewRequest(r.Method, base+r.Path, bytes.NewReader(r.Body))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableCompression: true, DisableKeepAlives: true},
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if !want.ok(resp.StatusCode, resp.Header) {
		return nil, nil, fmt.Errorf("%s %s: %s, not what a visitor should get: %.200s", r.Method, r.Path,
			describeResponse(resp.StatusCode, resp.Header), strings.TrimSpace(string(body)))
	}
	h := resp.Header.Clone()
	for _, k := range []string{"Date", "Content-Length", "Connection"} {
		h.Del(k)
	}
	return body, h, nil
}

// once hands out each target once, then reports no more targets.
func once(targets []vegeta.Target) vegeta.Targeter {
	next := make(chan vegeta.Target, len(targets))
	for _, t := range targets {
		next <- t
	}
	close(next)
	return func(t *vegeta.Target) error {
		tgt, ok := <-next
		if !ok {
			return vegeta.ErrNoTargets
		}
		*t = tgt
		return nil
	}
}
