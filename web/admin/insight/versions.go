package insight

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

// The versions page and its posts.
const (
	VersionsPath = "/admin/versions"
	RollbackPath = "/admin/versions/rollback"
	PublishPath  = "/admin/lab/publish"
)

// shownPublications bounds the versions page's list: the latest first.
const shownPublications = 50

// VersionStore is what the versions page needs from storage.
type VersionStore interface {
	// ListPublications returns the latest publications, newest first.
	ListPublications(ctx context.Context, limit int) ([]assessment.Publication, error)
}

// Publisher is the questionnaire in force and every stored version, and
// the one way to change which is in force (page.Questionnaires).
type Publisher interface {
	InForce() page.InForce
	// File is the questionnaire the server was started with.
	File() *assessment.Questionnaire
	// Load reads a stored version back, or says why it cannot.
	Load(ctx context.Context, version string) (*assessment.Questionnaire, error)
	// Publish puts next in force, replacing the version in force as this
	// instance sees it (assessment.ErrConflict when another got in first).
	Publish(ctx context.Context, next *assessment.Questionnaire, by string, rollback bool, now time.Time) (*assessment.Publication, error)
}

// Versions publishes a candidate from the rules lab, lists what was
// published with what each changed, and rolls back. Every publish and
// roll-back is a security event.
type Versions struct {
	area  *frame.Area
	store VersionStore
	forms Publisher
}

// NewVersions builds the versions page and the rules lab's Publish.
func NewVersions(area *frame.Area, store VersionStore, forms Publisher) (*Versions, error) {
	if area == nil || store == nil || forms == nil {
		return nil, errors.New("versions: the review area, a store and the questionnaires are required")
	}
	return &Versions{area: area, store: store, forms: forms}, nil
}

// Publish serves POST /admin/lab/publish: the candidate the lab checked,
// sent again, is checked again (it must parse and every example must pass)
// and put in force.
func (v *Versions) Publish(w http.ResponseWriter, r *http.Request) error {
	content, err := labContent(r)
	if err != nil {
		return err
	}
	q, err := rules.Load([]byte(content))
	if err != nil {
		return notPublishable(err)
	}
	if checked := r.PostFormValue("version"); checked != q.Version {
		return &page.Error{Status: http.StatusConflict, Title: "That is not the file you checked",
			Message: "The candidate changed between the check and Publish. Check it again in the rules lab, then publish it.",
			Link:    page.Link{Href: LabPath, Label: "Back to the rules lab"}}
	}
	return v.putInForce(w, r, q, false)
}

// RollBack serves POST /admin/versions/rollback: version "to", stored
// earlier, is published again, if the version in force is still "from",
// the one the owner saw when they pressed the button.
func (v *Versions) RollBack(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if from := r.PostFormValue("from"); from != v.forms.InForce().Q.Version {
		return publishedMeanwhile(nil)
	}
	q, err := v.forms.Load(r.Context(), r.PostFormValue("to"))
	if errors.Is(err, assessment.ErrNotFound) {
		return &page.Error{Status: http.StatusNotFound, Title: "There is no such version",
			Message: "Nothing was changed. Pick a version from the list.", Link: page.Link{Href: VersionsPath, Label: "Back to versions"}}
	}
	if err != nil {
		return notPublishable(err)
	}
	if failures := rules.CheckExamples(q); len(failures) > 0 {
		return notPublishable(&rules.ExamplesError{Failures: failures})
	}
	return v.putInForce(w, r, q, true)
}

// putInForce publishes q for the signed-in owner and says so: on the page,
// and as a security event.
func (v *Versions) putInForce(w http.ResponseWriter, r *http.Request, q *assessment.Questionnaire, rollback bool) error {
	if q.Version == v.forms.InForce().Q.Version {
		http.Redirect(w, r, VersionsPath+"?done=already-in-force", http.StatusSeeOther)
		return nil
	}
	owner := frame.CurrentOwner(r.Context()).Email
	p, err := v.forms.Publish(r.Context(), q, owner, rollback, v.area.Now())
	if errors.Is(err, assessment.ErrConflict) {
		return publishedMeanwhile(err)
	}
	if err != nil {
		return err
	}
	event, done := "questionnaire_published", "published"
	if rollback {
		event, done = "questionnaire_rolled_back", "rolled-back"
	}
	v.area.Audit.Event(r, event, owner, slog.String("version", p.Version), slog.String("replaced", p.Replaced))
	http.Redirect(w, r, VersionsPath+"?done="+done, http.StatusSeeOther)
	return nil
}

// notPublishable is the page for a version that fails its checks: nothing
// is published.
func notPublishable(err error) *page.Error {
	return &page.Error{Status: http.StatusUnprocessableEntity, Title: "That version can't be published",
		Message: "It has problems or examples that fail, so nothing was changed. Check it in the rules lab, which lists them: " + err.Error(),
		Link:    page.Link{Href: LabPath, Label: "Back to the rules lab"}, Err: err}
}

func publishedMeanwhile(err error) *page.Error {
	return &page.Error{Status: http.StatusConflict, Title: "Another version was put in force meanwhile",
		Message: "Someone published or rolled back since you opened this page, so nothing was changed. See what is in force now and try again.",
		Link:    page.Link{Href: VersionsPath, Label: "See the versions"}, Err: err}
}
