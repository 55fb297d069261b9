package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/metrics"
)

// TestLabelsComeFromFixedSets: made-up methods and statuses, however many,
// add no series: they are counted under OTHER and "other", so a client
// cannot grow the metrics (and the scrape) without bound.
func TestLabelsComeFromFixedSets(t *testing.T) {
	m := metrics.New()
	m.Request("/", http.MethodGet, http.StatusOK, time.Millisecond)
	before := len(scrape(t, m))
	for i := range 2000 {
		m.Request("unmatched", fmt.Sprintf("M%04d", i), http.StatusMethodNotAllowed, time.Millisecond)
		m.Request("/", http.MethodGet, 1000+i, time.Millisecond)
	}
	body := scrape(t, m)
	if strings.Contains(body, `method="M0001"`) || strings.Contains(body, `status="1001"`) {
		t.Errorf("a made-up method or status became a label")
	}
	for _, want := range []string{
		`fitcheck_http_requests_total{method="OTHER",route="unmatched",status="405"} 2000`,
		`fitcheck_http_requests_total{method="GET",route="/",status="other"} 2000`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if grown := len(body) - before; grown > 8<<10 {
		t.Errorf("4,000 requests with made-up methods and statuses grew the scrape by %d bytes; want a few series, under 8 KB", grown)
	}
}

func TestMethodLabel(t *testing.T) {
	for method, want := range map[string]string{"GET": "GET", "HEAD": "HEAD", "POST": "POST", "OPTIONS": "OPTIONS",
		"get": "OTHER", "PROPFIND": "OTHER", "": "OTHER", strings.Repeat("X", 1000): "OTHER"} {
		if got := metrics.MethodLabel(method); got != want {
			t.Errorf("MethodLabel(%.20q) = %q, want %q", method, got, want)
		}
	}
}

func scrape(t *testing.T, m *metrics.Set) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}
