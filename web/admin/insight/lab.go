package insight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// LabPath is the rules lab's address; the route table gives its posts a
// larger body limit, since a whole content file is sent.
const LabPath = "/admin/lab"

// MaxLabBytes bounds a candidate content file: the default is under 40 KB,
// and pasting it form-encoded can double that.
const MaxLabBytes = 1 << 20

// labView is the rules lab: the candidate file and, once checked, what it would change.
type labView struct {
	frame.Chrome
	Content      string
	Checked      bool
	Problems     []assessment.Problem
	Version      string
	Examples     []exampleRow
	Failures     int
	Steps        []previewStep
	Total        int
	ChangedCount int
	Scored       int  // re-scored of Total: fewer when Stopped
	Stopped      bool // the re-score reached its deadline
	Busy         bool // another check was running: nothing was checked
	Moves        []moveRow
	Changed      []changeRow
	Unmapped     []unmappedRow
	Publish      publishView
}

type exampleRow struct {
	Name, Expect, Got, Detail string
	Pass                      bool
}

type previewStep struct {
	Title, Intro string
	Questions    []previewQuestion
}

type previewQuestion struct {
	ID, Prompt, Help, Type string
	Required               bool
	Options                []string
}

type moveRow struct {
	From, FromID, To, ToID string
	Count                  int
}

type changeRow struct {
	URL, ID, Date, From, FromID, To, ToID string
	Unmapped                              bool
}

type unmappedRow struct {
	Text  string
	Count int
}

// ShowLab is the rules lab's empty form, with the file in force to start from.
func (h *Handler) ShowLab(w http.ResponseWriter, r *http.Request) error {
	v := labView{Chrome: h.area.Chrome(r, "lab"), Content: string(h.area.Forms.Current().Source)}
	h.area.Pages.Render(w, r, http.StatusOK, labPage(v))
	return nil
}

// Lab checks a candidate questionnaire as `fitcheck validate` does, runs its
// examples, previews its steps and re-scores every stored assessment under
// it. Nothing is stored or changed: the candidate lives for this response.
func (h *Handler) Lab(w http.ResponseWriter, r *http.Request) error {
	content, err := labContent(r)
	if err != nil {
		return err
	}
	v := labView{Chrome: h.area.Chrome(r, "lab"), Content: content, Checked: true}
	if !h.lab.take(r.Context(), h.lab.wait) {
		// One check at a time, parsing included: after waiting its turn
		// this long, the candidate comes back to send again.
		v.Checked, v.Busy = false, true
		h.area.Pages.Render(w, r, http.StatusTooManyRequests, labPage(v))
		return nil
	}
	defer h.lab.release()
	httpx.RunNiced(func() {
		var status int
		if status, err = h.check(r, &v); err == nil {
			h.area.Pages.Render(w, r, status, labPage(v))
		}
	})
	return err
}

// check fills v from the candidate: its problems (422), or its examples,
// preview and re-score (200). It and the page it fills are the lab's heavy
// part, run at a lower priority than visitors' requests (httpx.RunNiced).
func (h *Handler) check(r *http.Request, v *labView) (int, error) {
	q, err := assessment.Parse([]byte(v.Content))
	var ce *assessment.ContentError
	switch {
	case errors.As(err, &ce):
		v.Problems = ce.Problems
		return http.StatusUnprocessableEntity, nil
	case err != nil:
		return 0, err
	}
	// Streamed and scored on every core, each worker at the lower priority
	// too, until the lab's deadline: memory stays flat however much
	// history there is.
	rs, err := h.lab.rescore(r.Context(), q, func(ctx context.Context, fn func(assessment.AnswerSet) error) error {
		return h.store.EachAnswerSetOn(ctx, httpx.RunNiced, fn)
	})
	if err != nil {
		return 0, err
	}
	if rs.Stopped {
		if rs.Total, err = h.storedCount(r.Context()); err != nil {
			return 0, err
		}
	}
	h.fillLab(v, q, rules.CheckExamples(q), rs)
	v.Publish = publishable(q, v.Failures, h.area.Forms.Current())
	return http.StatusOK, nil
}

// labContent reads the candidate: an uploaded file wins over pasted text.
func labContent(r *http.Request) (string, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(MaxLabBytes); err != nil {
			return "", page.BadForm(err)
		}
		if f, _, err := r.FormFile("file"); err == nil {
			defer f.Close()
			b, err := io.ReadAll(f)
			if err != nil {
				return "", page.BadForm(err)
			}
			if len(b) > 0 {
				return string(b), nil
			}
		}
	} else if err := r.ParseForm(); err != nil {
		return "", page.BadForm(err)
	}
	content := r.PostFormValue("content")
	if strings.TrimSpace(content) == "" {
		return "", &page.Error{Status: http.StatusUnprocessableEntity, Title: "There was no questionnaire to check",
			Message: "Paste a content file into the box, or choose one to upload, and check it again.",
			Link:    page.Link{Href: LabPath, Label: "Back to the rules lab"}}
	}
	return content, nil
}

func (h *Handler) fillLab(v *labView, q *assessment.Questionnaire, failures []rules.ExampleFailure, rs rules.Rescore) {
	failed := map[string]rules.ExampleFailure{}
	for _, f := range failures {
		failed[f.Name] = f
	}
	name := q.OutcomeLabel
	for _, ex := range q.Examples {
		row := exampleRow{Name: ex.Name, Expect: name(ex.Expect), Got: name(ex.Expect), Pass: true}
		if f, ok := failed[ex.Name]; ok {
			row.Got, row.Pass, row.Detail = name(f.Result.Outcome), false, f.String()
			if f.Result.Outcome == ex.Expect {
				// The outcome held; the tension it shows is what differs.
				row.Expect += ", tension " + ex.Tension
				row.Got += ", tension " + shownTension(f.Result)
			}
		}
		v.Examples = append(v.Examples, row)
	}
	v.Failures = len(failures)
	v.Version = q.Version[:12]
	for _, s := range q.Steps {
		sv := previewStep{Title: s.Title, Intro: s.Intro}
		for _, qn := range s.Questions {
			pq := previewQuestion{ID: qn.ID, Prompt: qn.Prompt, Help: qn.Help, Type: string(qn.Type), Required: qn.Required}
			for _, o := range qn.Options {
				pq.Options = append(pq.Options, o.Label)
			}
			sv.Questions = append(sv.Questions, pq)
		}
		v.Steps = append(v.Steps, sv)
	}
	v.Total, v.ChangedCount, v.Scored, v.Stopped = rs.Total, len(rs.Changed), rs.Scored, rs.Stopped
	for _, m := range rs.Moves {
		v.Moves = append(v.Moves, moveRow{From: name(m.From), FromID: m.From, To: name(m.To), ToID: m.To, Count: m.Count})
	}
	for _, c := range rs.Changed {
		v.Changed = append(v.Changed, changeRow{URL: "/admin/a/" + strconv.FormatInt(c.ID, 10), ID: strconv.FormatInt(c.ID, 10),
			Date: h.area.ShortTime(c.Set.CreatedAt), From: name(c.From), FromID: c.From, To: name(c.To), ToID: c.To, Unmapped: c.Unmapped})
	}
	for _, u := range rs.Unmapped {
		v.Unmapped = append(v.Unmapped, unmappedRow{Text: u.String(), Count: u.Count})
	}
}

// shownTension is the id of the tension a result shows, or "none".
func shownTension(res assessment.Result) string {
	if res.Tension == nil {
		return assessment.NoTension
	}
	return res.Tension.ID
}

// storedCount is how many assessments are stored, for a re-score cut short
// to say how far it got: the streamed count stops where the re-score did.
func (h *Handler) storedCount(ctx context.Context) (int, error) {
	counts, err := h.store.CountOutcomesSince(ctx, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("count stored assessments: %w", err)
	}
	return countAll(counts[0]), nil
}

// rescoredNoun names what the summary counts: all stored assessments, or,
// when the re-score stopped early, only those it reached.
func rescoredNoun(stopped bool, n int) string {
	if stopped {
		return "re-scored assessment" + plural(n)
	}
	return "stored assessment" + plural(n)
}
