package main

import (
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

// route is one thing a visitor does, as load.
type route struct {
	Name    string
	Targets vegeta.Targeter
	// OK says whether a response is what a visitor should get; anything
	// else counts as an error.
	OK func(*vegeta.Result) bool
	// SingleUse routes (submits) consume their targets, so they get no
	// warm-up and end when the targets run out.
	SingleUse bool
	// Keep keeps each result's headers (the submit's Location names the
	// result the later routes read).
	Keep bool
}

// measurement is what one route did under load.
type measurement struct {
	Name      string
	Requests  int // answered, in the measured window
	OK        int
	Errors    int
	ErrorKind string // the first error seen, to say what went wrong
	Elapsed   time.Duration
	P50       time.Duration
	P99       time.Duration
	P999      time.Duration
	ServerCPU time.Duration // CPU the server used in the window
	GenCPU    time.Duration // CPU the load generator used in the window
	Bytes     int           // body bytes of one response on the wire
	PeakRSS   int64         // the server's VmHWM after the route
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
// load generator's own limits cannot inflate.
func (m measurement) CPUPerRequest() time.Duration {
	if m.Requests == 0 {
		return 0
	}
	return m.ServerCPU / time.Duration(m.Requests)
}

// loader drives routes with a fixed number of clients, each sending its
// next request as soon as the last is answered (a closed loop), so one run
// gives both the most the server can do and its latency at that concurrency.
type loader struct {
	clients int
	header  http.Header // sent with every request (Accept-Encoding)
	server  int         // pid whose CPU is charged to the route
}

// attacker makes an attacker with a transport of its own, which the caller
// closes when the route is done: connections left idle would stay open on
// the server (with their buffers and goroutines) through every later route.
func (l *loader) attacker() (*vegeta.Attacker, *http.Transport) {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: l.clients,
		MaxConnsPerHost:     l.clients,
	}
	client := &http.Client{
		Transport:     tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return vegeta.NewAttacker(
		vegeta.Client(client),
		vegeta.Workers(uint64(l.clients)),
		vegeta.MaxWorkers(uint64(l.clients)),
		// Bodies are read to the end but not kept: the generator has one
		// core and should spend it on requests.
		vegeta.MaxBody(0),
	), tr
}

// run puts the route under load for d after a warm-up.
func (l *loader) run(ctx context.Context, r route, warmup, d time.Duration) (measurement, error) {
	if warmup > 0 && !r.SingleUse {
		if _, err := l.attack(ctx, r, warmup, false); err != nil {
			return measurement{}, err
		}
	}
	return l.attack(ctx, r, d, r.Keep)
}

func (l *loader) attack(ctx context.Context, r route, d time.Duration, keep bool) (measurement, error) {
	m := measurement{Name: r.Name}
	atk, tr := l.attacker()
	defer tr.CloseIdleConnections()
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	targets := r.Targets
	if len(l.header) > 0 {
		targets = withHeader(targets, l.header)
	}
	if r.SingleUse {
		d = 0 // until the targets run out
	}
	cpu0, err := cpuTime(l.server)
	if err != nil {
		return m, err
	}
	gen0 := ownCPUTime()
	began := time.Now()
	latencies := make([]time.Duration, 0, 1<<16)
	for res := range atk.Attack(targets, vegeta.ConstantPacer{}, d, "") {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		m.Requests++
		latencies = append(latencies, res.Latency)
		if res.Error == "" && r.OK(res) {
			m.OK++
		} else {
			m.Errors++
			if m.ErrorKind == "" {
				m.ErrorKind = describe(res)
			}
		}
		if keep {
			res.Body = nil
			m.Results = append(m.Results, res)
		}
	}
	m.Elapsed = time.Since(began)
	cpu1, err := cpuTime(l.server)
	if err != nil {
		return m, err
	}
	m.ServerCPU = cpu1 - cpu0
	m.GenCPU = ownCPUTime() - gen0
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
	s := fmt.Sprintf("status %d", res.Code)
	if loc := res.Headers.Get("Location"); loc != "" {
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

// probe sends one request for the target the route would send first, checks
// it, and returns its body size on the wire.
func probe(tgt vegeta.Target, header http.Header, ok func(*vegeta.Result) bool) (int, error) {
	req, err := tgt.Request()
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableCompression: true, DisableKeepAlives: true},
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	res := &vegeta.Result{Code: uint16(resp.StatusCode), Headers: resp.Header, Body: body}
	if !ok(res) {
		return 0, fmt.Errorf("%s %s: %s, not what a visitor should get: %.200s", tgt.Method, tgt.URL, describe(res), strings.TrimSpace(string(body)))
	}
	return len(body), nil
}

// status accepts responses with the given code.
func status(code int) func(*vegeta.Result) bool {
	return func(r *vegeta.Result) bool { return int(r.Code) == code }
}

// redirectTo accepts a 303 whose Location starts with prefix.
func redirectTo(prefix string) func(*vegeta.Result) bool {
	return func(r *vegeta.Result) bool {
		return r.Code == http.StatusSeeOther && strings.HasPrefix(r.Headers.Get("Location"), prefix)
	}
}

// rotate round-robins over targets.
func rotate(targets []vegeta.Target) vegeta.Targeter { return vegeta.NewStaticTargeter(targets...) }

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
