package data

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// mustAddAssessment submits an assessment with the given outcome, contact
// and creation time through a draft of its own, "draft-" + token.
func mustAddAssessment(t *testing.T, s *Store, token, outcome string, c assessment.Contact, created time.Time) *assessment.Assessment {
	t.Helper()
	a := newAssessment(token, c)
	a.Result.Outcome = outcome
	a.CreatedAt = created
	draftID := "draft-" + token
	mustCreateDraft(t, s, newDraft(draftID, now.Add(assessment.DraftLifetime)))
	if _, err := s.SubmitDraft(t.Context(), draftID, a); err != nil {
		t.Fatalf("SubmitDraft(%q) = %v", draftID, err)
	}
	return a
}

func mustUpdateStatus(t *testing.T, s *Store, id int64, status assessment.Status) {
	t.Helper()
	if err := s.UpdateStatus(t.Context(), id, status, now); err != nil {
		t.Fatalf("UpdateStatus(%d, %q) = %v", id, status, err)
	}
}

func tokens(list []assessment.Summary) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.Token)
	}
	return out
}

// day is a Monday at 09:00 UTC; the review fixtures are made on the days after it.
var day = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func contact(name, email, company string) assessment.Contact {
	return assessment.Contact{Name: name, Email: email, Company: company, Consent: true}
}

func TestListAssessments(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	zoe := mustAddAssessment(t, s, "zoe", "fit", contact("Zoë Ångström", "zoe@example.com", "Café Ltd"), day)
	mustAddAssessment(t, s, "bob", "not-fit", contact("Bob Smith", "bob@acme.test", "Acme"), day.Add(24*time.Hour))
	pct := mustAddAssessment(t, s, "pct", "fit", contact("Carol Jones", "carol@growth.test", "100% Growth"), day.Add(48*time.Hour))
	mustAddAssessment(t, s, "dan", "maybe", contact("Dan Lee", "dan_lee@example.com", "Lee & Co"), day.Add(72*time.Hour))
	mustAddAssessment(t, s, "anon", "fit", assessment.Contact{}, day.Add(96*time.Hour))
	// Made in the same instant as anon: the later id comes first.
	mustAddAssessment(t, s, "twin", "not-fit", contact("Eve Twin", "eve@example.com", `Back\slash`), day.Add(96*time.Hour))
	mustUpdateStatus(t, s, zoe.ID, assessment.StatusContacted)
	mustUpdateStatus(t, s, pct.ID, assessment.StatusContacted)

	all := []string{"twin", "anon", "dan", "pct", "bob", "zoe"}
	tests := []struct {
		name      string
		filter    assessment.Filter
		want      []string
		wantTotal int
	}{
		{"everything, newest first", assessment.Filter{}, all, 6},

		{"outcome", assessment.Filter{Outcome: "fit"}, []string{"anon", "pct", "zoe"}, 3},
		{"outcome nobody has", assessment.Filter{Outcome: "fi"}, []string{}, 0},
		{"status", assessment.Filter{Status: assessment.StatusContacted}, []string{"pct", "zoe"}, 2},
		{"status new", assessment.Filter{Status: assessment.StatusNew}, []string{"twin", "anon", "dan", "bob"}, 4},

		{"from is inclusive", assessment.Filter{From: day.Add(48 * time.Hour)}, []string{"twin", "anon", "dan", "pct"}, 4},
		{"from 1ns later", assessment.Filter{From: day.Add(48*time.Hour + time.Nanosecond)}, []string{"twin", "anon", "dan"}, 3},
		{"to is exclusive", assessment.Filter{To: day.Add(48 * time.Hour)}, []string{"bob", "zoe"}, 2},
		{"to 1ns later", assessment.Filter{To: day.Add(48*time.Hour + time.Nanosecond)}, []string{"pct", "bob", "zoe"}, 3},
		{"from and to in another zone", assessment.Filter{
			From: day.Add(24 * time.Hour).In(time.FixedZone("UTC-5", -5*3600)),
			To:   day.Add(72 * time.Hour).In(time.FixedZone("UTC+5", 5*3600)),
		}, []string{"pct", "bob"}, 2},

		{"search name", assessment.Filter{Search: "smith"}, []string{"bob"}, 1},
		{"search email", assessment.Filter{Search: "@ACME.test"}, []string{"bob"}, 1},
		{"search company", assessment.Filter{Search: "lee & co"}, []string{"dan"}, 1},
		{"search matches any of the three", assessment.Filter{Search: "example.com"}, []string{"twin", "dan", "zoe"}, 3},
		{"search is case-insensitive beyond ASCII", assessment.Filter{Search: "ÅNGSTRÖM"}, []string{"zoe"}, 1},
		{"search lower-case non-ASCII", assessment.Filter{Search: "café"}, []string{"zoe"}, 1},
		{"search % is literal", assessment.Filter{Search: "%"}, []string{"pct"}, 1},
		{"search 0% is literal", assessment.Filter{Search: "0% g"}, []string{"pct"}, 1},
		{"search _ is literal", assessment.Filter{Search: "_"}, []string{"dan"}, 1},
		{"search _l is not a wildcard", assessment.Filter{Search: "_l"}, []string{"dan"}, 1}, // as one, "Carol", "example"
		{"search o% is not a wildcard", assessment.Filter{Search: "o%"}, []string{}, 0},      // as one, most rows
		{"search backslash is literal", assessment.Filter{Search: `k\s`}, []string{"twin"}, 1},
		{"search no match", assessment.Filter{Search: "nobody"}, []string{}, 0},

		{"outcome and status", assessment.Filter{Outcome: "fit", Status: assessment.StatusNew}, []string{"anon"}, 1},
		{"outcome, status and search", assessment.Filter{Outcome: "fit", Status: assessment.StatusContacted, Search: "growth"}, []string{"pct"}, 1},
		{"outcome and window", assessment.Filter{Outcome: "not-fit", From: day, To: day.Add(72 * time.Hour)}, []string{"bob"}, 1},
		{"every filter", assessment.Filter{
			Outcome: "fit", Status: assessment.StatusContacted, Search: "ZOE",
			From: day, To: day.Add(time.Nanosecond),
		}, []string{"zoe"}, 1},
		{"every filter, window misses", assessment.Filter{
			Outcome: "fit", Status: assessment.StatusContacted, Search: "ZOE",
			From: day.Add(time.Nanosecond),
		}, []string{}, 0},

		{"first page", assessment.Filter{Limit: 2}, all[:2], 6},
		{"second page", assessment.Filter{Limit: 2, Offset: 2}, all[2:4], 6},
		{"last, short page", assessment.Filter{Limit: 4, Offset: 4}, all[4:], 6},
		{"past the end", assessment.Filter{Limit: 2, Offset: 6}, []string{}, 6},
		{"offset without limit", assessment.Filter{Offset: 1}, all[1:], 6},
		{"page of a filtered list", assessment.Filter{Outcome: "fit", Limit: 1, Offset: 1}, []string{"pct"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := s.ListAssessments(ctx, tt.filter)
			if err != nil {
				t.Fatalf("ListAssessments(%+v) = %v", tt.filter, err)
			}
			if got := tokens(list); !reflect.DeepEqual(got, tt.want) || total != tt.wantTotal {
				t.Errorf("ListAssessments(%+v) = %q, total %d; want %q, total %d", tt.filter, got, total, tt.want, tt.wantTotal)
			}
		})
	}

	t.Run("summary fields", func(t *testing.T) {
		list, _, err := s.ListAssessments(ctx, assessment.Filter{Search: "zoe"})
		if err != nil || len(list) != 1 {
			t.Fatalf("ListAssessments(zoe) = %v, %v; want one summary", list, err)
		}
		want := assessment.Summary{
			ID: zoe.ID, Token: "zoe", Outcome: "fit", Status: assessment.StatusContacted,
			Contact: zoe.Contact, Answers: zoe.Answers, Result: zoe.Result, CreatedAt: day,
		}
		if !reflect.DeepEqual(list[0], want) {
			t.Errorf("ListAssessments(zoe)[0] =\n%+v\nwant\n%+v", list[0], want)
		}
	})
}

func TestListAssessmentsEmpty(t *testing.T) {
	s := mustOpen(t)
	list, total, err := s.ListAssessments(t.Context(), assessment.Filter{Search: "x", Limit: 10})
	if err != nil || len(list) != 0 || total != 0 {
		t.Errorf("ListAssessments on an empty store = %v, %d, %v; want none, 0, nil", list, total, err)
	}
}

func TestFindAssessmentByID(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	a := mustAddAssessment(t, s, "by-id", "fit", contact("Zoë", "zoe@example.com", "Café"), day)
	got, err := s.FindAssessmentByID(ctx, a.ID)
	if err != nil {
		t.Fatalf("FindAssessmentByID(%d) = %v", a.ID, err)
	}
	byToken, err := s.FindAssessment(ctx, a.Token)
	if err != nil {
		t.Fatalf("FindAssessment(%q) = %v", a.Token, err)
	}
	if !reflect.DeepEqual(got, byToken) || got.Status != assessment.StatusNew || got.Token != a.Token {
		t.Errorf("FindAssessmentByID(%d) = %+v, want %+v with status %q", a.ID, *got, *byToken, assessment.StatusNew)
	}
	if got, err := s.FindAssessmentByID(ctx, a.ID+1); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindAssessmentByID(%d) = %v, %v; want nil, %v", a.ID+1, got, err, assessment.ErrNotFound)
	}
}

func TestUpdateStatus(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	a := mustAddAssessment(t, s, "status", "fit", contact("Zoë", "zoe@example.com", "Café"), day)
	other := mustAddAssessment(t, s, "other", "fit", contact("Bob", "bob@example.com", "Acme"), day)

	for i, status := range []assessment.Status{
		assessment.StatusContacted, assessment.StatusBooked, assessment.StatusClosed,
		assessment.StatusArchived, assessment.StatusNew,
	} {
		t.Run(string(status), func(t *testing.T) {
			at := day.Add(time.Duration(i+1) * time.Hour)
			if err := s.UpdateStatus(ctx, a.ID, status, at); err != nil {
				t.Fatalf("UpdateStatus(%d, %q) = %v", a.ID, status, err)
			}
			got, err := s.FindAssessmentByID(ctx, a.ID)
			if err != nil || got.Status != status || !got.UpdatedAt.Equal(at) || !got.CreatedAt.Equal(day) {
				t.Errorf("FindAssessmentByID(%d) after UpdateStatus(%q) = %+v, %v; want status %q, updated %v, created %v",
					a.ID, status, got, err, status, at, day)
			}
		})
	}
	mustUpdateStatus(t, s, a.ID, assessment.StatusBooked)

	for _, status := range []assessment.Status{"", "won", "Booked", "new "} {
		t.Run("refuse "+string(status), func(t *testing.T) {
			err := s.UpdateStatus(ctx, a.ID, status, now)
			if err == nil || errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("UpdateStatus(%d, %q) = %v, want an unknown-status error", a.ID, status, err)
			}
			if got, err := s.FindAssessmentByID(ctx, a.ID); err != nil || got.Status != assessment.StatusBooked {
				t.Errorf("FindAssessmentByID(%d) after a refused status = %+v, %v; want status %q", a.ID, got, err, assessment.StatusBooked)
			}
		})
	}

	t.Run("unknown id", func(t *testing.T) {
		id := other.ID + 1
		if err := s.UpdateStatus(ctx, id, assessment.StatusClosed, now); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("UpdateStatus(%d) = %v, want %v", id, err, assessment.ErrNotFound)
		}
	})
	if got, err := s.FindAssessmentByID(ctx, other.ID); err != nil || got.Status != assessment.StatusNew || !got.UpdatedAt.Equal(day) {
		t.Errorf("FindAssessmentByID(%d) = %+v, %v; want it untouched by another's updates", other.ID, got, err)
	}
}

func TestNotes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	a := mustAddAssessment(t, s, "noted", "fit", contact("Zoë", "zoe@example.com", "Café"), day)
	other := mustAddAssessment(t, s, "other", "fit", contact("Bob", "bob@example.com", "Acme"), day)

	add := func(assessmentID int64, body string, at time.Time) assessment.Note {
		t.Helper()
		n := assessment.Note{AssessmentID: assessmentID, Author: "owner@example.com", Body: body, CreatedAt: at}
		if err := s.AddNote(ctx, &n); err != nil {
			t.Fatalf("AddNote(%q) = %v", body, err)
		}
		if n.ID == 0 {
			t.Fatalf("AddNote(%q) left ID = 0, want the new row's id", body)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		return n
	}
	// Added out of order: the list is by when each was written.
	second := add(a.ID, "Called, left a message.", day.Add(2*time.Hour))
	first := add(a.ID, "Zoë's café — 日本語 \"quoted\"\nsecond line", day.Add(time.Hour))
	add(other.ID, "Someone else's note.", day.Add(90*time.Minute))
	third := add(a.ID, "Booked a call.", day.Add(2*time.Hour)) // same instant as second: by id

	got, err := s.ListNotes(ctx, a.ID)
	if err != nil {
		t.Fatalf("ListNotes(%d) = %v", a.ID, err)
	}
	if want := []assessment.Note{first, second, third}; !reflect.DeepEqual(got, want) {
		t.Errorf("ListNotes(%d) =\n%+v\nwant\n%+v", a.ID, got, want)
	}
	if got, err := s.ListNotes(ctx, other.ID+1); err != nil || len(got) != 0 {
		t.Errorf("ListNotes(%d) = %v, %v; want none, nil", other.ID+1, got, err)
	}

	t.Run("unknown assessment", func(t *testing.T) {
		n := assessment.Note{AssessmentID: other.ID + 1, Author: "owner@example.com", Body: "orphan", CreatedAt: now}
		if err := s.AddNote(ctx, &n); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("AddNote to assessment %d = %v, want %v", n.AssessmentID, err, assessment.ErrNotFound)
		}
		if c := countRows(t, s, "notes"); c != 4 {
			t.Errorf("notes has %d rows after a refused note, want 4", c)
		}
	})
}

func TestDeleteAssessment(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	gone := mustAddAssessment(t, s, "gone", "fit", contact("Zoë", "zoe@example.com", "Café"), day)
	kept := mustAddAssessment(t, s, "kept", "fit", contact("Bob", "bob@example.com", "Acme"), day)
	mustCreateDraft(t, s, newDraft("draft-unsubmitted", now.Add(time.Hour)))
	for _, id := range []int64{gone.ID, gone.ID, kept.ID} {
		if err := s.AddNote(ctx, &assessment.Note{AssessmentID: id, Author: "o@example.com", Body: "note", CreatedAt: now}); err != nil {
			t.Fatalf("AddNote(%d) = %v", id, err)
		}
	}

	if err := s.DeleteAssessment(ctx, gone.ID); err != nil {
		t.Fatalf("DeleteAssessment(%d) = %v", gone.ID, err)
	}
	if _, err := s.FindAssessmentByID(ctx, gone.ID); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindAssessmentByID(%d) after delete = %v, want %v", gone.ID, err, assessment.ErrNotFound)
	}
	if _, err := s.FindAssessment(ctx, "gone"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindAssessment(%q) after delete = %v, want %v", "gone", err, assessment.ErrNotFound)
	}
	var notes int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM notes WHERE assessment_id = ?`, gone.ID).Scan(&notes); err != nil || notes != 0 {
		t.Errorf("notes of deleted assessment %d: %d rows, %v; want 0, nil", gone.ID, notes, err)
	}
	if _, err := s.FindDraft(ctx, "draft-gone", now); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindDraft(%q) after deleting its assessment = %v, want %v", "draft-gone", err, assessment.ErrNotFound)
	}

	// Everything else stays.
	if _, err := s.FindAssessmentByID(ctx, kept.ID); err != nil {
		t.Errorf("FindAssessmentByID(%d) after deleting another = %v, want nil", kept.ID, err)
	}
	if got, err := s.ListNotes(ctx, kept.ID); err != nil || len(got) != 1 {
		t.Errorf("ListNotes(%d) after deleting another = %v, %v; want 1 note", kept.ID, got, err)
	}
	for _, id := range []string{"draft-kept", "draft-unsubmitted"} {
		if _, err := s.FindDraft(ctx, id, now); err != nil {
			t.Errorf("FindDraft(%q) after deleting another assessment = %v, want nil", id, err)
		}
	}

	if err := s.DeleteAssessment(ctx, gone.ID); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("DeleteAssessment(%d) again = %v, want %v", gone.ID, err, assessment.ErrNotFound)
	}
	if n := countRows(t, s, "drafts"); n != 2 {
		t.Errorf("drafts has %d rows after a repeated delete, want 2", n)
	}
}
