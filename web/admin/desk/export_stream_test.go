package desk

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/csvsafe"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// TestExportStreamsTheSameCSV: the streamed export is, byte for byte, the
// CSV the export wrote when it loaded every assessment first and built the
// file in one buffer (exportAsItWas, kept here as the reference), over more
// rows than one of the store's batches, with rows made in the same instant
// across a batch's edge, and under each kind of filter.
func TestExportStreamsTheSameCSV(t *testing.T) {
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	q := reviewtest.Questionnaire(t, store)
	area := reviewtest.Area(t, q, nil)
	h, err := New(area, store)
	if err != nil {
		t.Fatal(err)
	}
	seedExportHistory(t, store, q, 530)
	owner := reviewtest.Owner(t, store, "greg@example.com")
	r := chi.NewRouter()
	r.With(func(next http.Handler) http.Handler { return reviewtest.SignedIn(owner, next) }).
		Get("/admin/export.csv", area.Pages.Serve(h.Export))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	for _, query := range []string{"", "outcome=hire-a-pm", "status=new", "from=2026-03-02&to=2026-03-04", "q=northwind", "q=nobody-at-all"} {
		resp, err := http.Get(srv.URL + "/admin/export.csv?" + query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("export ?%s = %d, %v", query, resp.StatusCode, err)
		}
		req := httptest.NewRequest(http.MethodGet, srv.URL+"/admin/export.csv?"+query, nil)
		want := exportAsItWas(t, h, store, req)
		if !bytes.Equal(got, want) {
			t.Errorf("export ?%s streamed %d bytes (%d lines), want the %d bytes (%d lines) the buffered export wrote; first difference at byte %d",
				query, len(got), bytes.Count(got, []byte("\n")), len(want), bytes.Count(want, []byte("\n")), firstDifference(got, want))
		}
	}
}

// seedExportHistory stores n assessments three to an instant, of the
// examples' answers with words that CSV and spreadsheets treat specially.
func seedExportHistory(t *testing.T, store *data.Store, q *assessment.Questionnaire, n int) {
	t.Helper()
	var textQuestion string
	for _, st := range q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				textQuestion = qn.ID
			}
		}
	}
	words := []string{"plain words", "a, comma", "a \"quote\"\nand a second line", "=1+1", "Zoë's café — 日本語"}
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		ex := q.Examples[i%len(q.Examples)]
		answers := ex.Answers.Clone()
		answers[textQuestion] = []string{words[i%len(words)]}
		c := assessment.Contact{}
		if i%3 != 0 {
			c = assessment.Contact{Name: fmt.Sprintf("Person %d", i%11), Email: fmt.Sprintf("p%d@example.com", i%11), Company: "Northwind", Consent: true}
		}
		created := start.Add(time.Duration(i/3) * 25 * time.Minute)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			reviewtest.Submit(t, store, q, answers, c, created)
		})
	}
	wg.Wait()
}

// exportAsItWas is the export before it streamed: every matching
// assessment loaded in full, newest first, and the CSV built in a buffer,
// with the record code as it was.
func exportAsItWas(t *testing.T, h *Handler, store *data.Store, r *http.Request) []byte {
	t.Helper()
	f, _ := h.filterFromQuery(r.URL.Query())
	f.Order = assessment.OrderNewest
	list, _, err := store.ListAssessments(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	header, questions := exportColumns(h.area.Forms.Current())
	var buf bytes.Buffer
	out := csv.NewWriter(&buf)
	out.Write(header)
	for _, sum := range list {
		a, err := store.FindAssessmentByID(t.Context(), sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := a.Contact
		rec := []string{
			a.CreatedAt.UTC().Format(time.RFC3339), a.Result.Outcome, string(a.Status),
			c.Name, c.Email, c.Company, c.Role, fmt.Sprint(c.Consent), httpx.AbsoluteURL(h.area.BaseURL, r, page.ResultURL(a.Token)),
		}
		for _, cr := range h.area.Forms.Current().Criteria {
			cell := ""
			if res, ok := a.Result.Criterion(cr.ID); ok {
				cell = fmt.Sprintf("%s (%d)", res.LevelLabel, res.Score)
			}
			rec = append(rec, cell)
		}
		answered := h.area.Forms.Find(r.Context(), a.QuestionnaireVersion)
		for _, qn := range questions {
			labels := a.Answers[qn.ID]
			if old, _, ok := answered.Question(qn.ID); ok {
				labels = answerLabels(old, labels)
			}
			rec = append(rec, strings.Join(labels, "; "))
		}
		for i := range rec {
			rec[i] = csvsafe.Field(rec[i])
		}
		out.Write(rec)
	}
	out.Flush()
	return buf.Bytes()
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// slowExport is the store with an export that pauses before every
// exportFlushRows-th row, as a large history's export takes its time.
type slowExport struct {
	*data.Store
	pause time.Duration
}

func (s slowExport) ExportRows(ctx context.Context, f assessment.Filter, fn func(*assessment.ExportRow) error) error {
	n := 0
	return s.Store.ExportRows(ctx, f, func(row *assessment.ExportRow) error {
		if n++; n%exportFlushRows == 0 {
			time.Sleep(s.pause)
		}
		return fn(row)
	})
}

// TestExportOutlastsTheWriteTimeout: an export that takes longer than the
// server's write timeout is still sent whole, because each flush moves the
// deadline on; the server's own timeout would otherwise cut it off.
func TestExportOutlastsTheWriteTimeout(t *testing.T) {
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	q := reviewtest.Questionnaire(t, store)
	area := reviewtest.Area(t, q, nil)
	const timeout = 300 * time.Millisecond
	h, err := New(area, slowExport{store, timeout})
	if err != nil {
		t.Fatal(err)
	}
	seedExportHistory(t, store, q, 2*exportFlushRows+10)
	owner := reviewtest.Owner(t, store, "greg@example.com")
	r := chi.NewRouter()
	r.With(func(next http.Handler) http.Handler { return reviewtest.SignedIn(owner, next) }).
		Get("/admin/export.csv", area.Pages.Serve(h.Export))
	srv := httptest.NewUnstartedServer(r)
	srv.Config.WriteTimeout = timeout
	srv.Start()
	t.Cleanup(srv.Close)

	resp, err := http.Get(srv.URL + "/admin/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	records, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(records) != 1+2*exportFlushRows+10 {
		t.Errorf("export past the write timeout = %d records, %v; want the header and all %d rows", len(records), err, 2*exportFlushRows+10)
	}
}
