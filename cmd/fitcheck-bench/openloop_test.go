package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestFromScheduleCountsLateSends: a request sent late, because the
// generator fell behind, is charged the time it waited to be sent.
func TestFromScheduleCountsLateSends(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	results := []*vegeta.Result{
		{Seq: 0, Timestamp: t0, Latency: 2 * ms},
		{Seq: 1, Timestamp: t0.Add(10 * ms), Latency: 2 * ms},  // on time
		{Seq: 2, Timestamp: t0.Add(50 * ms), Latency: 2 * ms},  // meant for 20 ms: 30 ms late
		{Seq: 3, Timestamp: t0.Add(52 * ms), Latency: 40 * ms}, // meant for 30 ms
	}
	got := fromSchedule(results, 10*ms)
	want := []time.Duration{2 * ms, 2 * ms, 32 * ms, 62 * ms}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fromSchedule = %v, want %v", got, want)
		}
	}
}

// TestOpenLoopKeepsItsScheduleAndReportsFromIt runs the open loop against a
// server that answers one request at a time, slower than the rate asked:
// every request is sent once and answered, and its latency counts the time
// since it was due, so a generator held up by the server cannot hide the
// queue (closed-loop latencies would all read as one service time).
func TestOpenLoopKeepsItsScheduleAndReportsFromIt(t *testing.T) {
	const service = 20 * time.Millisecond
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen[r.Header.Get("Cookie")]++
		time.Sleep(service)
		w.Header().Set("Location", "/r/x")
		w.WriteHeader(http.StatusSeeOther)
	}))
	defer srv.Close()
	var targets []vegeta.Target
	for i := range 20 {
		targets = append(targets, vegeta.Target{Method: http.MethodPost, URL: srv.URL + "/step/6",
			Header: http.Header{"Cookie": {"fitcheck=" + string(rune('a'+i))}}})
	}
	ld := &loader{clients: 1, inFlight: 1, server: os.Getpid()}
	m, err := ld.openLoop(t.Context(), submitRoute{Name: "submit-open", Targets: once(targets),
		Want: expect{Status: http.StatusSeeOther, Location: "/r/"}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if m.OK != len(targets) || m.Errors != 0 || len(seen) != len(targets) {
		t.Fatalf("%d answered as expected, %d errors (%s), %d distinct requests seen; want all %d once",
			m.OK, m.Errors, m.ErrorKind, len(seen), len(targets))
	}
	// Twenty requests due 10 ms apart, served 20 ms each: the last is due
	// at 190 ms and answered no sooner than 400 ms, at least 210 ms late.
	if m.P99 < 10*service {
		t.Errorf("p99 from the schedule = %v, want at least %v: the queue behind the slow server is hidden", m.P99, 10*service)
	}
	if m.Offered != 100 {
		t.Errorf("offered rate = %v, want 100", m.Offered)
	}
}
