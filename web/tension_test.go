package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// misdiagnosis is the default content's founder who asks for backlog help
// while describing a capable team whose targets keep moving.
const misdiagnosis = "A technical founder asks for someone to run the backlog, yet his strong team re-plans every sprint and nobody settles the trade-off"

// TestResultNamesTheTension: the founder reads the tension in their own
// words beside the verdict; a colleague with the link reads the neutral
// words; the JSON twin carries both and what was set aside; the owner's
// brief names it above the signals, with what the request alone would
// have read.
func TestResultNamesTheTension(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	tension, ok := s.q.Tension("backlog-but-moving-targets")
	if !ok {
		t.Fatal("the default content has no tension backlog-but-moving-targets")
	}
	var answers assessment.Answers
	for _, ex := range s.q.Examples {
		if ex.Name == misdiagnosis {
			answers = ex.Answers
		}
	}
	if answers == nil {
		t.Fatalf("no example %q", misdiagnosis)
	}
	founder := s.newVisitor()
	founder.answerAll(answers)
	done := founder.submitContact(url.Values{})
	if done.status != http.StatusSeeOther {
		t.Fatalf("submit = %d, want 303", done.status)
	}

	own := founder.get(done.location)
	if got := textOf(byTestID(own.doc, "headline")); !strings.Contains(got, "good fit") {
		t.Errorf("headline = %q, want the book-a-call verdict the description leads to", got)
	}
	if got := textOf(byTestID(own.doc, "tension")); got != oneLine(tension.Sentence) {
		t.Errorf("founder's tension = %q, want the content's sentence %q", got, tension.Sentence)
	}
	// It sits on the first screen, in the verdict, right after the why.
	if n := byTestID(own.doc, "tension"); n == nil || n.Parent == nil || attr(n.Parent, "class") != "verdict" {
		t.Errorf("the tension is not in the verdict header")
	}

	shared := s.newVisitor().get(done.location)
	if byTestID(shared.doc, "shared-frame") == nil {
		t.Fatalf("a visitor without the founder's session did not get the shared view")
	}
	got := textOf(byTestID(shared.doc, "tension"))
	if got != oneLine(tension.Neutral) {
		t.Errorf("shared tension = %q, want the neutral words %q", got, tension.Neutral)
	}
	for _, word := range strings.Fields(strings.ToLower(got)) {
		if w := strings.Trim(word, ",.;:"); w == "you" || w == "your" {
			t.Errorf("shared tension %q speaks to the founder (%q)", got, word)
		}
	}

	var doc struct {
		Outcome     string `json:"outcome"`
		Explanation struct {
			Tension *assessment.TensionShown `json:"tension"`
		} `json:"explanation"`
	}
	j := s.newVisitor().get(done.location + ".json")
	if err := json.Unmarshal([]byte(j.body), &doc); err != nil {
		t.Fatalf("result JSON: %v\n%s", err, j.body)
	}
	want := assessment.TensionShown{ID: tension.ID, Sentence: tension.Sentence, Neutral: tension.Neutral, SetAside: assessment.HireAPM}
	if doc.Outcome != assessment.BookACall || doc.Explanation.Tension == nil || *doc.Explanation.Tension != want {
		t.Errorf("JSON = %s with tension %+v, want book-a-call with %+v", doc.Outcome, doc.Explanation.Tension, want)
	}

	owner := s.newVisitor()
	owner.signIn("greg@example.com", ownerPassword)
	detail := owner.get("/admin/a/1")
	brief := textOf(byTestID(detail.doc, "result-tension"))
	for _, part := range []string{oneLine(tension.Neutral), "would have read: Hire a PM"} {
		if !strings.Contains(brief, part) {
			t.Errorf("brief tension = %q, want it to contain %q", brief, part)
		}
	}
	if txt := owner.get("/admin/a/1/brief.txt"); !strings.Contains(oneLine(txt.body), "Asked for one thing, described another") {
		t.Errorf("brief.txt lacks the tension:\n%s", txt.body)
	}

	// A result without a tension shows none, on the page or in the brief.
	plain := s.submitted(assessment.BookACall, url.Values{})
	if n := byTestID(s.newVisitor().get(plain).doc, "tension"); n != nil {
		t.Errorf("a result without a tension shows %q", textOf(n))
	}
	if n := byTestID(owner.get("/admin/a/2").doc, "result-tension"); n != nil {
		t.Errorf("the brief of a result without a tension shows %q", textOf(n))
	}
}

// oneLine folds a YAML block's line breaks and runs of spaces, as HTML
// text reads.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
