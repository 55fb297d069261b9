// Package metrics is fitcheck's Prometheus metrics: requests by route and
// status with their latency, submits by outcome, the group-commit writer's
// batch sizes, and the outbox's depth and failures. They are off unless
// the operator sets -metrics-addr, and served on a listener of their own.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Set is one process's metrics. A nil *Set records nothing, so callers
// need not check whether metrics are on.
type Set struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	submits  *prometheus.CounterVec
	batches  prometheus.Histogram
}

// New makes the metrics, with Go's and the process's own beside them.
func New() *Set {
	s := &Set{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fitcheck_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fitcheck_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
		submits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fitcheck_submits_total", Help: "Assessments submitted, by outcome.",
		}, []string{"outcome"}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "fitcheck_group_commit_writes", Help: "Writes committed together in one transaction by the group-commit writer.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}),
	}
	s.reg.MustRegister(s.requests, s.latency, s.submits, s.batches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Request records one answered request. Its labels come only from fixed
// sets, since every label value is a series kept for good: the route is a
// pattern of the route table, a method outside the standard ones is OTHER
// and a status outside 100–599 is "other". A client sending made-up
// methods or statuses cannot grow the metrics.
func (s *Set) Request(route, method string, status int, took time.Duration) {
	if s == nil {
		return
	}
	method = MethodLabel(method)
	s.requests.WithLabelValues(route, method, statusLabel(status)).Inc()
	s.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// MethodLabel is method as a label: itself when it is one of HTTP's
// standard methods, otherwise OTHER.
func MethodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "OTHER"
}

func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status)
}

// Submitted records one stored assessment.
func (s *Set) Submitted(outcome string) {
	if s == nil {
		return
	}
	s.submits.WithLabelValues(outcome).Inc()
}

// Committed records one commit of the group-commit writer and how many
// writes it carried.
func (s *Set) Committed(writes int) {
	if s == nil {
		return
	}
	s.batches.Observe(float64(writes))
}

// WatchOutbox reports the outbox's deliveries by status (pending, failed,
// delivered…) at every scrape, read by count.
func (s *Set) WatchOutbox(count func(ctx context.Context) (map[string]int, error)) {
	if s == nil {
		return
	}
	s.reg.MustRegister(&outboxCollector{count: count, desc: prometheus.NewDesc("fitcheck_outbox_deliveries",
		"Deliveries of notifications in the outbox, by status.", []string{"status"}, nil)})
}

// Handler serves the metrics in Prometheus's text format.
func (s *Set) Handler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// outboxCollector reads the outbox's counts when Prometheus scrapes.
type outboxCollector struct {
	count func(ctx context.Context) (map[string]int, error)
	desc  *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), status)
	}
}
