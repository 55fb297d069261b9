// Package visitor is the visitor's session and draft: the one cookie that
// finds a founder's answers again, and the draft it names, found, started,
// stored with its first answers and updated by one type, Drafts, so a
// handler saves a step with one call (Drafts.Save). Where the founder came
// from (UTM) and the funnel's count of the steps they reached ride along.
package visitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what drafts need from storage.
type Store interface {
	CreateDraftWithin(ctx context.Context, d *assessment.Draft, caps assessment.DraftCaps, now time.Time) error
	FindDraft(ctx context.Context, id string, now time.Time) (*assessment.Draft, error)
	UpdateDraftWith(ctx context.Context, d *assessment.Draft, now time.Time, change func(*assessment.Draft) error) (*assessment.Draft, error)
	RecordStepView(ctx context.Context, visitor string, step int, now time.Time) error
}

// Questionnaires gives the questionnaire new drafts are answered against.
type Questionnaires interface {
	Current() *assessment.Questionnaire
	// Find is the questionnaire of a stored version (Current when it
	// cannot be read back).
	Find(ctx context.Context, version string) *assessment.Questionnaire
}

// Config is what drafts need to know about the deployment.
type Config struct {
	// HashKey signs and BlockKey encrypts the session cookie.
	HashKey  []byte
	BlockKey []byte
	// Secure marks the cookie Secure and names it __Host- (an https base URL).
	Secure bool
	// MaxOpenDrafts caps the drafts one client network may have stored;
	// zero means defaultMaxOpenDrafts. One address may have a tenth of it
	// (draftCaps).
	MaxOpenDrafts int
	// Addrs makes the pseudonym of a draft's client network.
	Addrs *addrhash.Hasher
}

// Drafts is every visitor's draft, found through their session cookie. A
// draft is stored with its first answers, not when Start is pressed: until
// then it lives in the cookie alone (see unsavedKey).
type Drafts struct {
	cfg        Config
	cookies    *sessions.CookieStore
	cookieName string // __Host- under https
	store      Store
	forms      Questionnaires
	log        *slog.Logger
	now        func() time.Time
}

// New makes the drafts' cookie store from the session keys.
func New(cfg Config, store Store, forms Questionnaires, log *slog.Logger) (*Drafts, error) {
	if len(cfg.HashKey) < 32 || len(cfg.BlockKey) != 32 {
		return nil, errors.New("session keys: need a hash key of at least 32 bytes and a 32-byte block key")
	}
	cookies := sessions.NewCookieStore(cfg.HashKey, cfg.BlockKey)
	cookies.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(assessment.DraftLifetime / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   cfg.Secure,
	}
	compactSessions(cookies)
	d := &Drafts{cfg: cfg, cookies: cookies, cookieName: sessionName, store: store, forms: forms, log: log, now: time.Now}
	if cfg.Secure {
		d.cookieName = secureSessionName
	}
	return d, nil
}

// Find returns the draft named in the visitor's session cookie. A missing,
// tampered or expired cookie, or a draft that has expired, all come back as
// assessment.ErrNotFound. A draft not stored yet (Start was pressed,
// nothing saved since) comes back empty, as it was started.
func (d *Drafts) Find(r *http.Request) (*assessment.Draft, error) {
	sess := d.session(r)
	id, _ := sess.Values[draftKey].(string)
	if id == "" {
		return nil, fmt.Errorf("session has no draft: %w", assessment.ErrNotFound)
	}
	if unsaved(sess) {
		issued, _ := sess.Values[issuedKey].(int64)
		return d.newDraft(id, time.Unix(issued, 0).UTC()), nil
	}
	return d.store.FindDraft(r.Context(), id, d.now())
}

// Start points the visitor's session at a fresh draft, which came from the
// attribution the Start form carries, and counts the start in the funnel.
// Nothing is stored until the draft's first answers are.
func (d *Drafts) Start(w http.ResponseWriter, r *http.Request) error {
	draft, err := d.begin(w, r, postedSource(r))
	if err != nil {
		return err
	}
	d.count(r, draft, d.funnel().Started())
	return nil
}

// Restart starts a fresh draft from source and stores it at once, filled
// in by fill (a retake, pre-filled with an earlier result's answers). When
// it is refused (too many drafts from the network) the visitor's session
// stays as it was, so an earlier result they own stays theirs.
func (d *Drafts) Restart(w http.ResponseWriter, r *http.Request, source assessment.Attribution, fill func(*assessment.Draft) error) error {
	sess := d.session(r)
	before := maps.Clone(sess.Values)
	draft, err := d.begin(w, r, source)
	if err != nil {
		return err
	}
	if err := d.storeFirst(w, r, draft, fill); err != nil {
		clear(sess.Values)
		maps.Copy(sess.Values, before)
		if serr := d.saveSession(w, r, sess); serr != nil {
			d.log.WarnContext(r.Context(), "restore session after a refused retake", "error", serr)
		}
		return err
	}
	d.count(r, draft, d.funnel().Started())
	return nil
}

// Save applies change to the visitor's draft and stores it: the first save
// stores the draft's row, later ones update it without losing a save made
// meanwhile by another tab. The cookie is kept alive as it goes.
func (d *Drafts) Save(w http.ResponseWriter, r *http.Request, draft *assessment.Draft, change func(*assessment.Draft) error) error {
	var err error
	if unsaved(d.session(r)) {
		err = d.storeFirst(w, r, draft, change)
	} else {
		_, err = d.update(r, draft, change)
	}
	if err != nil {
		return err
	}
	d.keep(w, r)
	return nil
}

// Opened records that the visitor opened step idx (0-based): the funnel
// counts it, and the draft remembers its furthest step. The cookie is kept
// alive.
func (d *Drafts) Opened(w http.ResponseWriter, r *http.Request, draft *assessment.Draft, idx int) error {
	if err := d.noteReached(r, draft, idx); err != nil {
		return err
	}
	d.keep(w, r)
	return nil
}

// noteReached records the furthest step a visitor has opened.
func (d *Drafts) noteReached(r *http.Request, draft *assessment.Draft, idx int) error {
	if idx == 0 {
		d.count(r, draft, d.funnel().Step(0))
	}
	if idx <= draft.Reached {
		return nil
	}
	d.count(r, draft, d.funnel().Step(idx))
	if unsaved(d.session(r)) {
		return nil // nothing stored to note it in; the first save stores from step 1 on
	}
	_, err := d.update(r, draft, func(draft *assessment.Draft) error {
		draft.Reached = max(draft.Reached, idx)
		return nil
	})
	return err
}

// newDraft is a draft as Start makes it: no answers yet, under the
// questionnaire in force, and its times counted from when Start was
// pressed. It is stored under that version with its first answers, and
// keeps it to the end.
func (d *Drafts) newDraft(id string, started time.Time) *assessment.Draft {
	return &assessment.Draft{
		ID:                   id,
		QuestionnaireVersion: d.forms.Current().Version,
		Answers:              assessment.Answers{},
		CreatedAt:            started,
		UpdatedAt:            started,
		ExpiresAt:            started.Add(assessment.DraftLifetime),
	}
}

// begin points the visitor's session at a fresh draft from source, stored
// in the cookie alone.
func (d *Drafts) begin(w http.ResponseWriter, r *http.Request, source assessment.Attribution) (*assessment.Draft, error) {
	draft := d.newDraft(assessment.NewDraftID(), d.now().UTC().Truncate(time.Second))
	sess := d.session(r)
	clear(sess.Values) // a fresh start carries nothing of an earlier draft
	sess.Values[draftKey] = draft.ID
	sess.Values[issuedKey] = draft.CreatedAt.Unix()
	sess.Values[unsavedKey] = true
	keepSource(sess.Values, source)
	if err := d.saveSession(w, r, sess); err != nil {
		return nil, err
	}
	return draft, nil
}

// storeFirst stores a draft that has no row yet, with its first answers,
// and marks the session saved. Each client network, and each address, may
// hold only so many open drafts (draftCaps). A second tab that stored the
// draft a moment earlier is no conflict: its row is updated instead.
func (d *Drafts) storeFirst(w http.ResponseWriter, r *http.Request, draft *assessment.Draft, change func(*assessment.Draft) error) error {
	now := d.now().UTC()
	if err := change(draft); err != nil {
		return err
	}
	draft.UpdatedAt, draft.ExpiresAt = now, now.Add(d.keepFor(r.Context(), draft))
	client := httpx.ClientAddr(r)
	draft.ClientNetwork, draft.ClientAddress = d.cfg.Addrs.Network(client), d.cfg.Addrs.Address(client)
	sess := d.session(r)
	draft.Source = sourceOf(sess.Values)
	err := d.store.CreateDraftWithin(r.Context(), draft, d.draftCaps(), now)
	switch {
	case errors.Is(err, assessment.ErrConflict):
		stored, err := d.store.FindDraft(r.Context(), draft.ID, now)
		if err != nil {
			return err
		}
		if _, err := d.update(r, stored, change); err != nil {
			return err
		}
	case errors.Is(err, assessment.ErrTooMany):
		return tooManyDrafts()
	case err != nil:
		return err
	}
	delete(sess.Values, unsavedKey)
	delete(sess.Values, sourceKey) // stored with the draft now
	return d.saveSession(w, r, sess)
}

// update applies change to the draft and saves it without losing a save
// made meanwhile by another tab (see data.UpdateDraftWith), and moves its
// expiry on from the last answer, not the first: thirty days once it
// answers past the first step, hours until then (KeepDraftFor). A draft
// that vanished meanwhile (expired, or deleted with its result) reads to
// the visitor as an expired session.
func (d *Drafts) update(r *http.Request, draft *assessment.Draft, change func(*assessment.Draft) error) (*assessment.Draft, error) {
	now := d.now().UTC()
	draft, err := d.store.UpdateDraftWith(r.Context(), draft, now, func(draft *assessment.Draft) error {
		if err := change(draft); err != nil {
			return err
		}
		// The draft keeps the questionnaire version it was stored under: a
		// version published meanwhile applies to drafts started after it.
		draft.UpdatedAt = now
		draft.ExpiresAt = now.Add(d.keepFor(r.Context(), draft))
		return nil
	})
	if errors.Is(err, assessment.ErrNotFound) {
		return nil, page.SessionExpired()
	}
	return draft, err
}

// keepFor is how long draft is kept untouched from now, by the
// questionnaire it is answered under: hours while it holds nothing past the
// first step, thirty days after (assessment.Questionnaire.KeepDraftFor).
func (d *Drafts) keepFor(ctx context.Context, draft *assessment.Draft) time.Duration {
	return d.forms.Find(ctx, draft.QuestionnaireVersion).KeepDraftFor(draft.Answers)
}

// defaultMaxOpenDrafts is how many unfinished assessments one client
// network (a /24, or an IPv6 /64) may have open at once: far more than one
// office answers in a month, and a ceiling on what a script can store.
const defaultMaxOpenDrafts = 200

// addressShare is the part of a network's cap one address may fill: a
// script on a few addresses fills only their part, so the rest of the
// network (an office, a shared building) can still start; it needs ten
// addresses to fill the network, and drafts with nothing past the first
// step are gone within hours (assessment.FirstStepDraftLifetime).
const addressShare = 10

// draftCaps are the caps on open drafts from Config.MaxOpenDrafts: per
// network, and a tenth of it (at least one) per address.
func (d *Drafts) draftCaps() assessment.DraftCaps {
	perNetwork := cmp.Or(d.cfg.MaxOpenDrafts, defaultMaxOpenDrafts)
	return assessment.DraftCaps{PerNetwork: perNetwork, PerAddress: max(1, perNetwork/addressShare)}
}

func tooManyDrafts() *page.Error {
	return &page.Error{
		Status: http.StatusTooManyRequests,
		Title:  "Too many assessments in progress from your network",
		Message: "Many assessments have been started and left unfinished from your network or your address lately, " +
			"so we can't keep another one just now. Please finish one you started, or try again later.",
		Link: page.HomeLink,
	}
}
