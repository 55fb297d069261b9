package desk

import (
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/csvsafe"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

const (
	// exportFlushRows is how many rows the export writes between flushes:
	// each flush sends them and moves the write deadline on.
	exportFlushRows = 200
	// exportWriteWindow is how long the client has to take what a flush
	// sends. The server's write timeout (30 s) bounds a whole response,
	// which the export of a long history outlasts; the export moves its
	// own deadline this far ahead at every flush instead.
	exportWriteWindow = 30 * time.Second
)

// Export writes the filtered list as CSV: one row per assessment, one
// column per question of the current questionnaire. It streams: rows go
// out as the store reads them, a batch at a time, so the first bytes
// leave at once and memory stays flat whatever the history's size.
func (h *Handler) Export(w http.ResponseWriter, r *http.Request) error {
	f, _ := h.filterFromQuery(r.URL.Query())
	q := h.area.Forms.Current()
	header, questions := exportColumns(q)
	stream := &csvStream{w: w, rc: http.NewResponseController(w), filename: fmt.Sprintf("fitcheck-%s.csv", h.area.Now().UTC().Format("2006-01-02"))}
	stream.out = csv.NewWriter(w)
	rows := 0
	err := h.store.ExportRows(r.Context(), f, func(row *assessment.ExportRow) error {
		if err := stream.start(header); err != nil {
			return err
		}
		rows++
		return stream.write(h.exportRecord(r, row, questions), rows%exportFlushRows == 0)
	})
	if err == nil {
		// The header alone when nothing matched.
		if err = stream.start(header); err == nil {
			err = stream.flush()
		}
	}
	switch {
	case err == nil:
		h.area.Audit.Event(r, "export", frame.CurrentOwner(r.Context()).Email, slog.Int("rows", rows))
		return nil
	case !stream.started:
		return err // nothing sent yet: the error page says what went wrong
	case r.Context().Err() != nil || errors.Is(err, errClientGone):
		h.area.Log.InfoContext(r.Context(), "export ended before it was sent whole: the client went away", slog.Int("rows", rows))
		return nil
	default:
		// Half a file has gone out under a 200: abort the connection, so the
		// download fails rather than look complete.
		h.area.Log.ErrorContext(r.Context(), "export failed part-way", slog.String("request_id", httpx.RequestID(r.Context())),
			slog.Int("rows", rows), slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
}

// errClientGone is a write to the client that failed.
var errClientGone = errors.New("write to the client")

// csvStream is the export's response: its headers, its write deadline and
// the CSV written into it.
type csvStream struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	out      *csv.Writer
	filename string
	started  bool
}

// start sends the response's headers and the CSV's header row, once.
func (s *csvStream) start(header []string) error {
	if s.started {
		return nil
	}
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, s.filename))
	h.Set("Cache-Control", "no-store")
	s.w.WriteHeader(http.StatusOK)
	return s.write(header, true)
}

// write adds a record, flushing it and what came before when flush is set.
func (s *csvStream) write(record []string, flush bool) error {
	if err := s.out.Write(record); err != nil {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	if !flush {
		return nil
	}
	return s.flush()
}

// flush sends what is buffered and gives the client exportWriteWindow more
// to take the next part. A server without write deadlines (a test's
// recorder) is simply flushed.
func (s *csvStream) flush() error {
	s.out.Flush()
	if err := s.out.Error(); err != nil {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	if err := s.rc.SetWriteDeadline(time.Now().Add(exportWriteWindow)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	if err := s.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	return nil
}

// exportColumns is the CSV's header row and the questions whose answers
// fill the last columns, in q's order.
func exportColumns(q *assessment.Questionnaire) ([]string, []*assessment.Question) {
	header := []string{"created_at", "outcome", "status", "name", "email", "company", "role", "consent", "share_link"}
	for _, c := range q.Criteria {
		header = append(header, "criterion: "+c.Label)
	}
	var questions []*assessment.Question
	for si := range q.Steps {
		for qi := range q.Steps[si].Questions {
			qn := &q.Steps[si].Questions[qi]
			questions = append(questions, qn)
			header = append(header, qn.Prompt)
		}
	}
	return header, questions
}

func (h *Handler) exportRecord(r *http.Request, a *assessment.ExportRow, questions []*assessment.Question) []string {
	c := a.Contact
	rec := []string{
		a.CreatedAt.UTC().Format(time.RFC3339), a.Outcome, string(a.Status),
		c.Name, c.Email, c.Company, c.Role, fmt.Sprint(c.Consent), httpx.AbsoluteURL(h.area.BaseURL, r, page.ResultURL(a.Token)),
	}
	for _, cr := range h.area.Forms.Current().Criteria {
		cell := ""
		if res, ok := a.Criterion(cr.ID); ok {
			cell = fmt.Sprintf("%s (%d)", res.LevelLabel, res.Score)
		}
		rec = append(rec, cell)
	}
	// Answers are labelled in the wording of the version they were given in.
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
	return rec
}
