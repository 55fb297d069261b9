package desk_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

func TestListFiltersAndSearch(t *testing.T) {
	s := mustStart(t, nil)
	s.submitted(assessment.BookACall, assessment.Contact{Name: "Ada Lovelace", Email: "ada@analytical.example", Company: "Engines Ltd", Consent: true})
	s.submitted(assessment.BookACall, assessment.Contact{})
	s.submitted(assessment.HireAPM, assessment.Contact{Name: "Grace Hopper", Email: "grace@navy.example", Company: "Compilers Inc", Consent: true})
	s.submitted(assessment.NarrowScope, assessment.Contact{})
	if err := s.store.UpdateStatus(t.Context(), 3, assessment.StatusBooked, time.Now()); err != nil {
		t.Fatal(err)
	}
	v := s.newVisitor()
	today := time.Now().UTC().Format("2006-01-02")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	tests := []struct {
		query string
		want  int
	}{
		{"", 4},
		{"outcome=book-a-call", 2},
		{"outcome=hire-a-pm", 1},
		{"status=booked", 1},
		{"status=new", 3},
		{"q=lovelace", 1},
		{"q=ENGINES", 1},
		{"q=navy.example", 1},
		{"q=%25", 0}, // a literal % matches nothing, not everything
		{"outcome=book-a-call&q=grace", 0},
		{"from=" + today + "&to=" + today, 4},
		{"from=" + tomorrow, 0},
		{"to=" + yesterday, 0},
		{"outcome=nonsense", 4}, // unknown filters are ignored, with a note
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := v.Get("/admin?" + tt.query)
			if p.Status != http.StatusOK {
				t.Fatalf("GET /admin?%s = %d", tt.query, p.Status)
			}
			if got := reviewtest.CountTestIDs(p.Doc, "row"); got != tt.want {
				t.Errorf("rows for %q = %d, want %d", tt.query, got, tt.want)
			}
		})
	}
	// Newest first when asked, and only consented contacts are shown.
	list := v.Get("/admin?order=newest")
	body := reviewtest.TextOf(reviewtest.ByTestID(list.Doc, "assessments"))
	if strings.Index(body, "Grace Hopper") > strings.Index(body, "Ada Lovelace") {
		t.Errorf("list is not newest first: %q", body)
	}
	if !strings.Contains(body, "Anonymous") {
		t.Errorf("anonymous assessments are not marked as such")
	}
}

func TestDeskListCallFirstAndGrouping(t *testing.T) {
	s := mustStart(t, nil)
	s.submitted(assessment.HireAPM, reviewtest.Consented("Ada", "ada@example.com"))            // 1
	s.submitted(assessment.BookACall, assessment.Contact{})                                    // 2 anonymous
	s.submitted(assessment.WorthAConversation, reviewtest.Consented("Bob", "bob@example.com")) // 3
	s.submitted(assessment.BookACall, reviewtest.Consented("Cat", "cat@example.com"))          // 4, contacted below
	s.submitted(assessment.BookACall, reviewtest.Consented("Ada", "ada@example.com"))          // 5, Ada again
	v := s.newVisitor()
	if p := v.Post("/admin/a/4/status", url.Values{"status": {"contacted"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("status = %d", p.Status)
	}

	tests := []struct {
		query string
		want  []string
	}{
		// Consented and still new first, by outcome; then the rest.
		{"", []string{"5", "3", "4", "2"}},
		{"order=newest", []string{"5", "4", "3", "2"}},
		{"order=oldest", []string{"2", "3", "4", "5"}},
		{"order=outcome", []string{"5", "4", "2", "3"}},
	}
	for _, tt := range tests {
		t.Run("order "+tt.query, func(t *testing.T) {
			p := v.Get("/admin?" + tt.query)
			if got := rowIDs(p.Doc); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("rows of /admin?%s = %v, want %v", tt.query, got, tt.want)
			}
		})
	}

	list := v.Get("/admin")
	// Ada took it twice: one row, the latest, with the earlier under it.
	takes := reviewtest.ByTestID(list.Doc, "takes")
	if takes == nil || !strings.Contains(reviewtest.TextOf(takes), "2 times") || reviewtest.FindLink(takes, "/admin/a/1") == nil {
		t.Errorf("Ada's row does not group her earlier take: %q", reviewtest.TextOf(takes))
	}
	first := reviewtest.ByTestID(list.Doc, "row")
	if got := reviewtest.TextOf(reviewtest.ByTestID(first, "deciding")); strings.Contains(got, "Execution") || got == "" {
		t.Errorf("a book-a-call row's deciding signal = %q, want its fit signals", got)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(first, "words")); got != firstLineOf(reviewtest.ExampleAnswers(t, s.q, assessment.BookACall).First("stuck-decision")) {
		t.Errorf("own words in the row = %q, want the first line of their stuck decision", got)
	}
	for _, row := range reviewtest.AllByTestID(list.Doc, "row") {
		if reviewtest.Attr(row, "data-id") == "2" && !strings.Contains(reviewtest.TextOf(row), "Anonymous") {
			t.Errorf("the anonymous row does not say so: %q", reviewtest.TextOf(row))
		}
	}
	// Ordered by outcome a hire-a-PM row names the execution gap.
	p := v.Get("/admin?outcome=hire-a-pm")
	if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "deciding")); !strings.Contains(got, "Execution gap") {
		t.Errorf("a hire-a-PM row's deciding signal = %q, want the execution gap", got)
	}
}

func TestDeskTimeZone(t *testing.T) {
	s := mustStart(t, mustLoadLocation(t, "Pacific/Auckland"))
	s.submitted(assessment.BookACall, reviewtest.Consented("Ada", "ada@example.com"))
	// 23:30 UTC on 2 March is 12:30 on 3 March in Auckland (NZDT, +13).
	s.setCreated(1, time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC))
	v := s.newVisitor()
	list := v.Get("/admin")
	if got := reviewtest.Attr(reviewtest.ByTestID(list.Doc, "when"), "title"); got != "Tue 3 Mar 2026, 12:30" {
		t.Errorf("list time's title = %q, want the owner's Tue 3 Mar 2026, 12:30", got)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(v.Get("/admin/a/1").Doc, "answered")); !strings.Contains(got, "3 March 2026, 12:30 NZDT") {
		t.Errorf("detail time = %q, want 3 March 2026, 12:30 NZDT", got)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"from=2026-03-03&to=2026-03-03", 1}, // the owner's day
		{"from=2026-03-02&to=2026-03-02", 0}, // the UTC day
		{"to=2026-03-02", 0},
		{"from=2026-03-04", 0},
	} {
		if got := reviewtest.CountTestIDs(v.Get("/admin?"+tt.query).Doc, "row"); got != tt.want {
			t.Errorf("rows for %s in Auckland = %d, want %d", tt.query, got, tt.want)
		}
	}
}
