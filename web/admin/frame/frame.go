// Package frame is what every part of the review area shares: the admin
// layout and its navigation, the owner signed in on a request, the
// confirmations a page may show, and the owner's words for outcomes and
// times. The parts themselves (web/admin/account, web/admin/desk,
// web/admin/insight) import this package and never each other.
package frame

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// Questionnaires gives the questionnaire in force and any stored version.
type Questionnaires interface {
	Current() *assessment.Questionnaire
	// Find returns the version an assessment was answered against, or the
	// current one when that version cannot be read back.
	Find(ctx context.Context, version string) *assessment.Questionnaire
}

// Config is what every part of the review area knows about its deployment.
type Config struct {
	// BaseURL, when set, makes share and setup links absolute.
	BaseURL string
	// Addrs makes the client pseudonyms in security events.
	Addrs *addrhash.Hasher
	// TimeZone is the owner's: every date and time shown is in it, and the
	// list's from/to filters count days in it. Nil means UTC.
	TimeZone *time.Location
}

// Area is the review area as each of its parts sees it: one is made at
// start-up and shared by all of them.
type Area struct {
	Pages   page.Renderer
	Audit   page.Audit
	Log     *slog.Logger
	Now     func() time.Time
	BaseURL string
	Zone    *time.Location // the owner's time zone, never nil
	Forms   Questionnaires
}

// New builds the shared part of the review area.
func New(cfg Config, forms Questionnaires, log *slog.Logger) (*Area, error) {
	if forms == nil || log == nil {
		return nil, errors.New("review area: questionnaires and logger are required")
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	return &Area{Pages: page.Renderer{Log: log}, Audit: page.Audit{Log: log, Addrs: cfg.Addrs}, Log: log, Now: time.Now,
		BaseURL: cfg.BaseURL, Zone: cfg.TimeZone, Forms: forms}, nil
}

// Chrome is what the layout shows around every signed-in page.
type Chrome struct {
	Section    string // "list", "dashboard", "lab", "versions" or "embed": which nav item is current
	OwnerEmail string
	Done       string // confirmation of the last change
	// Script links page.Assets' share.js, for copy and print buttons that
	// stay hidden without it.
	Script bool
}

// Chrome is the layout's part of a page in section, for the owner signed in
// on r.
func (a *Area) Chrome(r *http.Request, section string) Chrome {
	email := ""
	if o := CurrentOwner(r.Context()); o != nil {
		email = o.Email
	}
	return Chrome{Section: section, OwnerEmail: email, Done: DoneMessage(r)}
}

// Choice is one option of a select or a row of buttons.
type Choice struct {
	Value string
	Label string
}

// OutcomeName is the owner's short name for an outcome, from the content.
func (a *Area) OutcomeName(id string) string {
	return a.Forms.Current().OutcomeLabel(id)
}

// OutcomeChoices are every outcome, in order, with its name.
func (a *Area) OutcomeChoices() []Choice {
	out := make([]Choice, 0, len(assessment.OutcomeIDs))
	for _, id := range assessment.OutcomeIDs {
		out = append(out, Choice{Value: id, Label: a.OutcomeName(id)})
	}
	return out
}

// WaitingURL is the review list of assessment.Waiting: the founders the
// dashboard counts as waiting to hear from the owner.
const WaitingURL = "/admin?contact=given&status=new"

// DateLayout is how the review area writes a day in a URL or a form.
const DateLayout = "2006-01-02"

// ShortTime is a date and time in the owner's zone, as lists show it.
func (a *Area) ShortTime(t time.Time) string {
	return t.In(a.Zone).Format("Mon 2 Jan 2006, 15:04")
}

// LongTime is a date and time in the owner's zone with the zone named.
func (a *Area) LongTime(t time.Time) string {
	return t.In(a.Zone).Format("Monday 2 January 2006, 15:04 MST")
}
