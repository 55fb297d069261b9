package desk_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

func TestCSVExport(t *testing.T) {
	s := mustStart(t, nil)
	answers := reviewtest.ExampleAnswers(t, s.q, assessment.BookACall).Clone()
	var textQuestion string
	for _, st := range s.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text {
				textQuestion = qn.ID
			}
		}
	}
	answers[textQuestion] = []string{`=HYPERLINK("http://evil.example","click")`}
	reviewtest.Submit(t, s.store, s.q, answers, assessment.Contact{Name: "+SUM(A1:A9)", Email: "ada@example.com", Company: "@Acme", Role: "-CEO", Consent: true}, time.Now().UTC())
	s.submitted(assessment.HireAPM, assessment.Contact{})

	v := s.newVisitor()
	p := v.Get("/admin/export.csv?outcome=book-a-call")
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export = %d %q %q, want a CSV attachment", p.Status, p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(p.Body)).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v", err)
	}
	if len(records) != 2 {
		t.Fatalf("export rows = %d, want a header and the one filtered assessment", len(records))
	}
	header, row := records[0], records[1]
	if want := 9 + len(s.q.Criteria) + s.q.QuestionCount(); len(header) != want {
		t.Errorf("columns = %d, want %d (one per question plus outcome, criteria, contact, status, time)", len(header), want)
	}
	cell := map[string]string{}
	for i, h := range header {
		cell[h] = row[i]
	}
	if cell["outcome"] != assessment.BookACall || cell["status"] != "new" || cell["email"] != "ada@example.com" {
		t.Errorf("row = %v, want outcome, status and email", cell)
	}
	for col, want := range map[string]string{"name": "'+SUM(A1:A9)", "company": "'@Acme", "role": "'-CEO"} {
		if cell[col] != want {
			t.Errorf("%s cell = %q, want %q (formula neutralised)", col, cell[col], want)
		}
	}
	qn, _, _ := s.q.Question(textQuestion)
	if got := cell[qn.Prompt]; !strings.HasPrefix(got, "'=HYPERLINK") {
		t.Errorf("text answer cell = %q, want it neutralised with a leading quote", got)
	}
	stage, _, _ := s.q.Question("stage")
	if opt, _ := stage.Option(answers.First("stage")); cell[stage.Prompt] != opt.Label {
		t.Errorf("stage cell = %q, want the option label %q", cell[stage.Prompt], opt.Label)
	}
}
