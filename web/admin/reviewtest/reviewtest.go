// Package reviewtest is what the tests of the review area's parts share:
// stored assessments and owners made as the site makes them, a signed-in
// owner on every request, a browser that keeps cookies and shows every
// redirect, and queries on the HTML it gets back. Each part's tests open
// their own real store (data.Open in a temp dir) and hand it in; this
// package knows the store only by the few methods its fixtures write
// through, and imports no part of the review area but its frame.
package reviewtest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/password"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/frame"
)

// OwnerPassword is the password of every owner Owner makes.
const OwnerPassword = "correct horse battery staple"

// Store is what the fixtures write through; *data.Store is one.
type Store interface {
	SaveQuestionnaire(ctx context.Context, version string, source []byte, now time.Time) error
	CreateDraft(ctx context.Context, d *assessment.Draft) error
	SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment, views ...assessment.StepView) (string, error)
	CreateOwner(ctx context.Context, o *assessment.Owner) error
}

// Questionnaires is the one questionnaire a test runs on, as the review
// area asks for questionnaires (frame.Questionnaires).
type Questionnaires struct{ Q *assessment.Questionnaire }

// Current is the questionnaire.
func (f Questionnaires) Current() *assessment.Questionnaire { return f.Q }

// Find is the questionnaire, whatever the version asked for.
func (f Questionnaires) Find(context.Context, string) *assessment.Questionnaire { return f.Q }

// Questionnaire loads the default content and records its version in s, as
// the server does when it starts.
func Questionnaire(t testing.TB, s Store) *assessment.Questionnaire {
	t.Helper()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	if err := s.SaveQuestionnaire(t.Context(), q.Version, q.Source, time.Now()); err != nil {
		t.Fatalf("SaveQuestionnaire: %v", err)
	}
	return q
}

// Area is the review area's shared frame over q, in time zone zone (nil is
// UTC), logging nowhere.
func Area(t testing.TB, q *assessment.Questionnaire, zone *time.Location) *frame.Area {
	t.Helper()
	addrs, err := addrhash.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	area, err := frame.New(frame.Config{Addrs: addrs, TimeZone: zone}, Questionnaires{q}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("frame.New: %v", err)
	}
	return area
}

// ExampleAnswers is the answer set of the content's first example that
// expects outcome.
func ExampleAnswers(t testing.TB, q *assessment.Questionnaire, outcome string) assessment.Answers {
	t.Helper()
	for _, ex := range q.Examples {
		if ex.Expect == outcome {
			return ex.Answers
		}
	}
	t.Fatalf("no example expects %q", outcome)
	return nil
}

// Consented is a founder who left their name and email and agreed to be
// contacted.
func Consented(name, email string) assessment.Contact {
	return assessment.Contact{Name: name, Email: email, Consent: true}
}

// Submit stores one finished assessment of answers, as the site's submit
// does (scored by the rules, announced in the outbox), made at created.
// Assessments get ids 1, 2, … in the order they are submitted.
func Submit(t testing.TB, s Store, q *assessment.Questionnaire, answers assessment.Answers, c assessment.Contact, created time.Time) *assessment.Assessment {
	t.Helper()
	draft := &assessment.Draft{ID: rand.Text(), QuestionnaireVersion: q.Version, Answers: answers, Reached: len(q.Steps) + 1,
		CreatedAt: created, UpdatedAt: created, ExpiresAt: time.Now().Add(assessment.DraftLifetime)}
	if err := s.CreateDraft(t.Context(), draft); err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	a := &assessment.Assessment{Token: rand.Text(), QuestionnaireVersion: q.Version, Answers: answers,
		Result: rules.EvaluateWithNearMiss(q, answers), Contact: c, CreatedAt: created}
	if _, err := s.SubmitDraft(t.Context(), draft.ID, a); err != nil {
		t.Fatalf("SubmitDraft: %v", err)
	}
	return a
}

// SubmitExample is Submit of the example answers for outcome, made now.
func SubmitExample(t testing.TB, s Store, q *assessment.Questionnaire, outcome string, c assessment.Contact) *assessment.Assessment {
	t.Helper()
	return Submit(t, s, q, ExampleAnswers(t, q, outcome), c, time.Now().UTC())
}

// Owner creates an owner account with OwnerPassword.
func Owner(t testing.TB, s Store, email string) *assessment.Owner {
	t.Helper()
	now := time.Now().UTC()
	o := &assessment.Owner{Email: email, PasswordHash: password.Hash(OwnerPassword), CreatedAt: now, UpdatedAt: now}
	if err := s.CreateOwner(t.Context(), o); err != nil {
		t.Fatalf("CreateOwner: %v", err)
	}
	return o
}

// SignedIn serves next as the route table's gate (account's RequireOwner)
// does once owner has signed in: with the owner on the request, and
// nothing kept by the browser.
func SignedIn(owner *assessment.Owner, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(frame.WithOwner(r.Context(), owner)))
	})
}
