package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 1000; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.50, 500 * time.Millisecond},
		{0.99, 990 * time.Millisecond},
		{0.999, 999 * time.Millisecond},
		{1, 1000 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := quantile(sorted, tt.q); got != tt.want {
			t.Errorf("quantile(1..1000 ms, %v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := quantile(nil, 0.5); got != 0 {
		t.Errorf("quantile(nil) = %v, want 0", got)
	}
}

func TestRate(t *testing.T) {
	for n, want := range map[float64]string{0: "0", 999.4: "999", 1234.5: "1,235", 61234567: "61,234,567"} {
		if got := rate(n); got != want {
			t.Errorf("rate(%v) = %q, want %q", n, got, want)
		}
	}
}

// TestWriteDocsKeepsTheProse checks -write-docs replaces only what lies
// between its markers.
func TestWriteDocsKeepsTheProse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "performance.md")
	rep := &report{Options: options{Duration: time.Second, Clients: 1, Submits: 1}}
	if err := rep.writeDocs(path); err != nil {
		t.Fatalf("writeDocs to a new file: %v", err)
	}
	b, _ := os.ReadFile(path)
	doc := strings.Replace(string(b), "(to be written)", "Our own analysis.", 1)
	doc = strings.Replace(doc, docsBegin, "Intro.\n\n"+docsBegin, 1)
	os.WriteFile(path, []byte(doc), 0o644)

	rep.Options.Clients = 7
	if err := rep.writeDocs(path); err != nil {
		t.Fatalf("writeDocs again: %v", err)
	}
	b, _ = os.ReadFile(path)
	got := string(b)
	for _, want := range []string{"Intro.", "Our own analysis.", "7 clients"} {
		if !strings.Contains(got, want) {
			t.Errorf("after rewriting, the file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "1 clients") || strings.Count(got, docsBegin) != 1 {
		t.Errorf("the old table was not replaced:\n%s", got)
	}

	os.WriteFile(path, []byte("# Performance\n\nno markers\n"), 0o644)
	if err := rep.writeDocs(path); err == nil {
		t.Errorf("writeDocs into a file without markers = nil, want an error")
	}
}

// TestHeaderFileRoundTrip: the bare ceiling sends exactly the headers the
// real server's landing page had, as the bench wrote them down.
func TestHeaderFileRoundTrip(t *testing.T) {
	want := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Encoding":        {"gzip"},
		"Content-Security-Policy": {"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
		"Vary":                    {"Accept-Encoding"},
		"Etag":                    {`"0123abcd"`},
	}
	var b bytes.Buffer
	if err := want.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "landing.header")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readHeaderFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %v, want %v", got, want)
	}
}

// busy is a measurement of n requests over one second of wall time with
// the server and generator at the given shares of their cores, and
// others taking the rest of CPU 0 and CPU 1 as given.
func busy(name string, n int, server, generator, others0, others1 float64) measurement {
	sec := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	return measurement{Name: name, Generator: "wrk", Requests: n, OK: n, Elapsed: time.Second, Wall: time.Second,
		ServerCPU: sec(server), GenCPU: sec(generator),
		CPUBusy: []time.Duration{sec(server + others0), sec(generator + others1)}}
}

// TestCeilingRowsNeedABusyServer: a ratio to bare is printed only when
// both the route's server and its bare ceiling's kept their core at least
// 95% busy, and a ratio above 1 is called an error, never a result.
func TestCeilingRowsNeedABusyServer(t *testing.T) {
	tests := []struct {
		name      string
		route     measurement
		bare      measurement
		wantShare []string // all in the share cell
		wantGoal  string
		wantByCPU string
	}{
		{"both server-bound", busy("landing", 60000, 0.99, 0.6, 0, 0), busy("landing", 80000, 0.98, 0.7, 0, 0),
			[]string{"0.75 × bare"}, "≥ 0.8 ✗", "0.74"},
		{"both server-bound, goal met", busy("landing", 70000, 0.99, 0.6, 0, 0), busy("landing", 80000, 0.98, 0.7, 0, 0),
			[]string{"0.88 × bare"}, "≥ 0.8 ✓", "0.87"},
		{"route's server idle: generator-bound", busy("landing", 50000, 0.80, 0.99, 0, 0), busy("landing", 80000, 0.98, 0.7, 0, 0),
			[]string{"not measured", "the server was at 80% of its core", "the generator set the pace"}, "≥ 0.8 not measured", "not measured"},
		{"bare's server idle: generator-bound", busy("landing", 60000, 0.99, 0.6, 0, 0), busy("landing", 61000, 0.73, 0.99, 0, 0),
			[]string{"not measured", "its bare ceiling was at 73% of its core"}, "≥ 0.8 not measured", "not measured"},
		{"another process took the server's CPU", busy("landing", 30000, 0.55, 0.3, 0.44, 0.1), busy("landing", 80000, 0.98, 0.7, 0, 0),
			[]string{"not measured", "was at 55% of its core", "other work took 44% / 10%", "a busy machine"}, "≥ 0.8 not measured", "not measured"},
		{"faster than bare", busy("landing", 82000, 0.99, 0.7, 0, 0), busy("landing", 80000, 0.98, 0.7, 0, 0),
			[]string{"1.02 × bare", "measurement error"}, "≥ 0.8 ✗ (measurement error)", "measurement error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &report{Machine: machine{Pinned: true}, Bares: map[string]bareCeiling{"landing": {measurement: tt.bare}}}
			share, goal, byCPU := rep.ratioCells(tt.route)
			for _, want := range tt.wantShare {
				if !strings.Contains(share, want) {
					t.Errorf("share cell = %q, want it to say %q", share, want)
				}
			}
			if goal != tt.wantGoal {
				t.Errorf("goal cell = %q, want %q", goal, tt.wantGoal)
			}
			if !strings.Contains(byCPU, tt.wantByCPU) {
				t.Errorf("by-CPU cell = %q, want it to say %q", byCPU, tt.wantByCPU)
			}
		})
	}
}

// TestInsertRowsNeedAQuietMachine: routes set beside raw inserts wait on
// fsync, so they are not held to 95%, but a generator at its limit or
// other work on the CPUs spoils them.
func TestInsertRowsNeedAQuietMachine(t *testing.T) {
	inserts := insertCeiling{Rows: 4000, Elapsed: time.Second, Wall: time.Second, ProcCPU: 600 * time.Millisecond,
		Busy: []time.Duration{600 * time.Millisecond, 0}}
	tests := []struct {
		name    string
		route   measurement
		inserts insertCeiling
		want    string
	}{
		{"quiet", busy("submit", 5000, 0.9, 0.3, 0, 0), inserts, "1.25 × raw inserts"},
		{"generator at its limit", busy("submit", 3000, 0.6, 0.97, 0, 0), inserts, "not measured: the load generator was at 97%"},
		{"busy machine during the route", busy("submit", 3000, 0.6, 0.3, 0.3, 0), inserts, "not measured: other work took 30% / 0%"},
		{"busy machine during the ceiling", busy("submit", 5000, 0.9, 0.3, 0, 0),
			insertCeiling{Rows: 2000, Elapsed: time.Second, Wall: time.Second, ProcCPU: 300 * time.Millisecond, Busy: []time.Duration{time.Second, 0}},
			"not measured: other work took 70% of the raw inserts' CPU"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &report{Machine: machine{Pinned: true}, Inserts: tt.inserts}
			if share, _, _ := rep.ratioCells(tt.route); !strings.Contains(share, tt.want) {
				t.Errorf("share cell = %q, want it to say %q", share, tt.want)
			}
		})
	}
}

// TestReportPrintsCPUForEveryRow: each route and each ceiling shows its
// server's and its generator's CPU, and the table says how many rows were
// measured against bare.
func TestReportPrintsCPUForEveryRow(t *testing.T) {
	rep := &report{
		Options: options{Duration: time.Second, Clients: 100, Submits: 10},
		Machine: machine{Pinned: true},
		Routes: []measurement{busy("landing", 60000, 0.97, 0.61, 0, 0), busy("result", 40000, 0.83, 0.99, 0, 0),
			busy("submit", 5000, 0.91, 0.23, 0.01, 0.02)},
		Bares: map[string]bareCeiling{
			"landing": {measurement: busy("landing", 80000, 0.98, 0.72, 0, 0), Size: 1024, Encoding: "gzip"},
			"result":  {measurement: busy("result", 70000, 0.96, 0.74, 0, 0), Size: 3000, Encoding: "gzip"},
		},
	}
	var b bytes.Buffer
	rep.write(&b)
	out := b.String()
	rows := map[string][]string{
		"landing page `GET /` |":          {"| 97% | 61% | 0% / 0% |", "0.75 × bare"},
		"result page, shared view":        {"| 83% | 99% |", "not measured: the server was at 83%"},
		"full submit":                     {"| 91% | 23% | 1% / 2% |"},
		"sending `GET /`'s bytes":         {"| 98% | 72% |", "✓ server-bound"},
		"sending `GET /r/{token}`'s":      {"| 96% | 74% |", "✓ server-bound"},
		"Rows set beside bare with both ": {"1 of 2"},
	}
	for row, wants := range rows {
		line := ""
		for l := range strings.Lines(out) {
			if strings.Contains(l, row) {
				line = l
			}
		}
		if line == "" {
			t.Errorf("no row %q in:\n%s", row, out)
			continue
		}
		for _, want := range wants {
			if !strings.Contains(line, want) {
				t.Errorf("row %q = %q, want it to hold %q", row, line, want)
			}
		}
	}
}
