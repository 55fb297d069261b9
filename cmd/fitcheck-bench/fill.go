package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// fillOptions is what `fitcheck-bench fill` can be told.
type fillOptions struct {
	DB      string
	N       int
	Days    int
	Seed    uint64
	Workers int
	End     time.Time
}

// The shape of the history the fill makes, as the desk issue measured it.
const (
	consentShare   = 0.40 // founders who leave their details
	retakeShare    = 0.10 // consented founders who had taken it before
	noteShare      = 0.05 // assessments the owner wrote a note on
	changeShare    = 0.35 // each answer moved away from the example it starts from
	automatedShare = 0.02 // submits marked possibly automated
	messageShare   = 0.03 // founders who wrote to the owner from their result
	clickShare     = 0.06 // founders who followed the booking link
	bookedShare    = 0.02 // founders whose booking a provider reported
	calibrateShare = 0.015
	abandonShare   = 0.35 // chance of (another) visitor who gave up, per assessment
	maxOpenDrafts  = 1 << 30
	fillOwnerEmail = "owner@example.com"
)

// runFill fills a database through the store's own methods, as visitors and
// the owner would have over a few years: every assessment a draft
// submitted through the group-commit writer, scored by the real rules.
func runFill(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o fillOptions
	fs := flag.NewFlagSet("fitcheck-bench fill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.DB, "db", "", "the database to fill: a SQLite file (created if missing) or a postgres:// URL")
	fs.IntVar(&o.N, "n", 10000, "assessments to add")
	fs.IntVar(&o.Days, "days", 1095, "the assessments' dates spread over this many days, ending now")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the generator: the same seed and -n give the same answers, contacts and dates")
	fs.IntVar(&o.Workers, "workers", 64, "submits in flight at once (they share the writer's commits)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./cmd/fitcheck-bench fill -db DB [-n 10000] [flags]\n\n"+
			"Adds -n assessments to DB through fitcheck's store: a draft each, submitted\n"+
			"with its funnel rows (about ten step views per assessment) and answers varied\n"+
			"from the content file's examples, scored by the real rules; 40% consented,\n"+
			"about one e-mail in ten a retake, 5% with a note, and some statuses, messages,\n"+
			"booking clicks, bookings and calibrations. Expired drafts are then deleted, as\n"+
			"the server's hourly sweep would.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.DB == "" || o.N < 1 || o.Days < 1 || o.Workers < 1 {
		return errors.New("fill: -db is required; -n, -days and -workers must be positive")
	}
	o.End = time.Now().UTC()
	return fill(ctx, o, stdout)
}

func fill(ctx context.Context, o fillOptions, stdout io.Writer) error {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		return err
	}
	store, err := data.Open(ctx, o.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.SaveQuestionnaire(ctx, q.Version, q.Source, o.End); err != nil {
		return err
	}
	// The workers cancel ctx on the first error, which also stops the
	// generator: both see the one cancellable context from the start.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	specs := make(chan *fillSpec, o.Workers)
	g := newFillGenerator(q, o)
	go func() {
		defer close(specs)
		for i := range o.N {
			select {
			case specs <- g.next(i):
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		done     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for spec := range specs {
				if err := spec.store(ctx, store, q); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				if n := done.Add(1); n%max(int64(o.N/20), 1) == 0 {
					fmt.Fprintf(stdout, "· %d of %d assessments stored (%s)\n", n, o.N, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("fill: %w", firstErr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The server's hourly sweep deletes drafts past their lifetime; most of
	// these are years old.
	n, err := store.DeleteExpiredDrafts(ctx, o.End)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "· %d expired drafts deleted, as the hourly sweep would\n", n)
	if data.IsPostgres(o.DB) {
		if err := analyzePostgres(ctx, o.DB); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "· VACUUM ANALYZE run, as autovacuum would after this many inserts")
	}
	fmt.Fprintf(stdout, "filled %s with %d assessments in %s\n", redact(o.DB), o.N, time.Since(start).Round(time.Second))
	return nil
}

// analyzePostgres does at once what autovacuum does some time after a bulk
// load: statistics for the planner, and the visibility map that lets an
// index-only scan skip the table.
func analyzePostgres(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

// redact is a -db value without a password.
func redact(db string) string {
	if u, err := url.Parse(db); err == nil && data.IsPostgres(db) {
		return u.Redacted()
	}
	return db
}

// fillSpec is one assessment to store and what happened to it afterwards.
type fillSpec struct {
	draft     assessment.Draft
	a         assessment.Assessment
	views     []assessment.StepView
	status    assessment.Status
	note      string
	message   string
	clicked   bool
	booked    bool
	calibrate assessment.Verdict
}

// store submits the draft and then does what the owner and the founder
// did next, each through the store.
func (s *fillSpec) store(ctx context.Context, store *data.Store, q *assessment.Questionnaire) error {
	if err := store.CreateDraftWithin(ctx, &s.draft, assessment.DraftCaps{PerNetwork: maxOpenDrafts, PerAddress: maxOpenDrafts}, s.draft.CreatedAt); err != nil {
		return err
	}
	if _, err := store.SubmitDraft(ctx, s.draft.ID, &s.a, s.views...); err != nil {
		return err
	}
	id, later := s.a.ID, s.a.CreatedAt.Add(time.Hour)
	if s.clicked {
		if err := store.RecordBookingClick(ctx, id, later); err != nil {
			return err
		}
	}
	if s.booked {
		e := &assessment.BookingEvent{AssessmentID: id, Kind: assessment.BookingBooked, Provider: "cal.com",
			BookingID: randomHex(8), StartsAt: later.Add(72 * time.Hour), CreatedAt: later}
		if _, err := store.RecordBooking(ctx, e); err != nil {
			return err
		}
	}
	if s.message != "" {
		m := &assessment.Message{AssessmentID: id, Email: s.a.Contact.Email, Consent: s.a.Contact.Consent, Body: s.message, CreatedAt: later}
		if err := store.AddMessage(ctx, m); err != nil {
			return err
		}
	}
	if s.status != assessment.StatusNew && s.status != "" {
		if err := store.UpdateStatus(ctx, id, s.status, later.Add(24*time.Hour)); err != nil {
			return err
		}
	}
	if s.note != "" {
		n := &assessment.Note{AssessmentID: id, Author: fillOwnerEmail, Body: s.note, CreatedAt: later.Add(24 * time.Hour)}
		if err := store.AddNote(ctx, n); err != nil {
			return err
		}
	}
	if s.calibrate != "" {
		c := assessment.Calibration{AssessmentID: id, Verdict: s.calibrate, RecordedAt: later.Add(96 * time.Hour)}
		if s.calibrate == assessment.VerdictNotFit {
			c.Needed = assessment.NeededInstead[int(id)%len(assessment.NeededInstead)]
		}
		if err := store.RecordCalibration(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// fillGenerator makes the specs, in order, from one seeded source: the
// same seed gives the same history.
type fillGenerator struct {
	q       *assessment.Questionnaire
	o       fillOptions
	r       *mrand.Rand
	funnel  assessment.Funnel
	earlier []assessment.Contact // consented founders so far, for retakes
}

func newFillGenerator(q *assessment.Questionnaire, o fillOptions) *fillGenerator {
	return &fillGenerator{q: q, o: o, r: mrand.New(mrand.NewPCG(o.Seed, o.Seed^0x6669_7463)), funnel: assessment.FunnelOf(q)}
}

func (g *fillGenerator) chance(p float64) bool { return g.r.Float64() < p }

// next is the i-th assessment of n, dated in order across the span.
func (g *fillGenerator) next(i int) *fillSpec {
	span := time.Duration(g.o.Days) * 24 * time.Hour
	step := span / time.Duration(g.o.N)
	at := g.o.End.Add(-span).Add(time.Duration(i)*step + time.Duration(g.r.Int64N(int64(max(step, 1)))))
	answers := g.answers()
	s := &fillSpec{status: assessment.StatusNew}
	s.draft = assessment.Draft{
		ID: assessment.NewDraftID(), QuestionnaireVersion: g.q.Version, Answers: answers, Reached: len(g.q.Steps),
		ClientNetwork: fmt.Sprintf("bench-%d", i%256), Source: g.source(),
		CreatedAt: at.Add(-4 * time.Minute), UpdatedAt: at.Add(-time.Minute), ExpiresAt: at.Add(assessment.DraftLifetime),
	}
	s.a = assessment.Assessment{
		Token: assessment.NewShareToken(), QuestionnaireVersion: g.q.Version, Answers: answers,
		Result: rules.EvaluateWithNearMiss(g.q, answers), Contact: g.contact(), Source: s.draft.Source,
		PossiblyAutomated: g.chance(automatedShare), CreatedAt: at,
	}
	s.views = g.views(at)
	g.followUps(s)
	return s
}

// answers starts from one of the content's examples and moves about a
// third of the answers to another valid choice.
func (g *fillGenerator) answers() assessment.Answers {
	ex := g.q.Examples[g.r.IntN(len(g.q.Examples))]
	a := ex.Answers.Clone()
	for si := range g.q.Steps {
		for qi := range g.q.Steps[si].Questions {
			qn := &g.q.Steps[si].Questions[qi]
			if !g.chance(changeShare) {
				continue
			}
			if v := g.answerTo(qn); len(v) > 0 {
				a[qn.ID] = v
			} else {
				delete(a, qn.ID)
			}
		}
	}
	// Only what the questionnaire accepts, as a submit keeps.
	out := assessment.Answers{}
	for si := range g.q.Steps {
		accepted, errs := g.q.Steps[si].CheckStep(a)
		if len(errs) > 0 {
			return ex.Answers.Clone()
		}
		for k, v := range accepted {
			out[k] = v
		}
	}
	return out
}

func (g *fillGenerator) answerTo(qn *assessment.Question) []string {
	switch qn.Type {
	case assessment.Text:
		if !qn.Required && g.chance(0.3) {
			return nil
		}
		return []string{fillWords[g.r.IntN(len(fillWords))]}
	case assessment.Multi:
		var picked []string
		for _, i := range g.r.Perm(len(qn.Options)) {
			opt := qn.Options[i]
			if opt.Exclusive {
				if len(picked) == 0 && g.chance(0.15) {
					return []string{opt.ID}
				}
				continue
			}
			picked = append(picked, opt.ID)
			limit := 3
			if qn.MaxChoices > 0 {
				limit = min(limit, qn.MaxChoices)
			}
			if len(picked) >= 1+g.r.IntN(limit) {
				break
			}
		}
		return picked
	default:
		return []string{qn.Options[g.r.IntN(len(qn.Options))].ID}
	}
}

// contact is empty for most; a consented founder is sometimes one who took
// it before, their e-mail perhaps typed in other capitals.
func (g *fillGenerator) contact() assessment.Contact {
	if !g.chance(consentShare) {
		return assessment.Contact{}
	}
	if len(g.earlier) > 0 && g.chance(retakeShare) {
		c := g.earlier[g.r.IntN(len(g.earlier))]
		if g.chance(0.3) {
			c.Email = strings.ToUpper(c.Email[:1]) + c.Email[1:]
		}
		return c
	}
	first, last := fillFirstNames[g.r.IntN(len(fillFirstNames))], fillLastNames[g.r.IntN(len(fillLastNames))]
	company := fillCompanies[g.r.IntN(len(fillCompanies))]
	domain := strings.ToLower(strings.NewReplacer(" ", "", "&", "", ".", "").Replace(company))
	c := assessment.Contact{
		Name:    first + " " + last,
		Email:   fmt.Sprintf("%s.%s%d@%s.example", strings.ToLower(asciiOnly(first)), strings.ToLower(asciiOnly(last)), g.r.IntN(1000), asciiOnly(domain)),
		Company: company,
		Role:    fillRoles[g.r.IntN(len(fillRoles))],
		Consent: true,
	}
	if len(g.earlier) < 20000 {
		g.earlier = append(g.earlier, c)
	} else {
		g.earlier[g.r.IntN(len(g.earlier))] = c
	}
	return c
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *fillGenerator) source() assessment.Attribution {
	switch p := g.r.Float64(); {
	case p < 0.35:
		return assessment.Attribution{UTMSource: fillSources[g.r.IntN(len(fillSources))], UTMMedium: "social", UTMCampaign: "spring"}
	case p < 0.55:
		return assessment.Attribution{ReferrerHost: fillReferrers[g.r.IntN(len(fillReferrers))]}
	default:
		return assessment.Attribution{}
	}
}

// views are the funnel rows the submit records: its visitor's, from Start
// to the finish, and sometimes another visitor's who gave up part-way.
func (g *fillGenerator) views(at time.Time) []assessment.StepView {
	last := g.funnel.Finished()
	visitor := randomHex(12)
	views := make([]assessment.StepView, 0, last+8)
	for step := 0; step <= last; step++ {
		views = append(views, assessment.StepView{Visitor: visitor, Step: step, At: at.Add(time.Duration(step-last) * 30 * time.Second)})
	}
	for g.chance(abandonShare) {
		quitter := randomHex(12)
		reached := g.r.IntN(g.funnel.Contact() + 1)
		for step := 0; step <= reached; step++ {
			views = append(views, assessment.StepView{Visitor: quitter, Step: step, At: at.Add(time.Duration(step-last-20) * 40 * time.Second)})
		}
		if len(views) > 3*last {
			break
		}
	}
	return views
}

// followUps decides what happened after the submit.
func (g *fillGenerator) followUps(s *fillSpec) {
	consented := s.a.Contact.Consent
	switch p := g.r.Float64(); {
	case consented && p < 0.25:
		s.status = assessment.StatusContacted
	case consented && p < 0.33:
		s.status = assessment.StatusBooked
	case consented && p < 0.43:
		s.status = assessment.StatusClosed
	case p > 0.93:
		s.status = assessment.StatusArchived
	}
	if g.chance(noteShare) {
		s.note = fillNotes[g.r.IntN(len(fillNotes))]
	}
	if g.chance(messageShare) {
		s.message = fillMessages[g.r.IntN(len(fillMessages))]
	}
	s.clicked = g.chance(clickShare)
	s.booked = s.clicked && g.chance(bookedShare/clickShare)
	if consented && g.chance(calibrateShare/consentShare) {
		s.calibrate = []assessment.Verdict{assessment.VerdictFit, assessment.VerdictFit, assessment.VerdictNotFit, assessment.VerdictNoCall}[g.r.IntN(4)]
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// The fill's words: invented, varied enough for search to find some and
// not others, and some outside ASCII.
var (
	fillFirstNames = []string{"Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
		"Maya", "Nikolai", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tomás", "Uma", "Viktor", "Wen", "Yara", "Zoë", "Åsa", "Łukasz"}
	fillLastNames = []string{"Andersen", "Baker", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Hughes", "Ivanova", "Jensen",
		"Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Urban", "Vogel", "Weber", "Young", "Zhang"}
	fillCompanies = []string{"Northwind Labs", "Acme Robotics", "Bluefin Health", "Cobalt Ledger", "Driftwood Games", "Evergreen Foods",
		"Fjord Analytics", "Granite Insurance", "Helio Energy", "Indigo Learning", "Juniper Legal", "Kestrel Logistics", "Lumen Studio",
		"Meridian Travel", "Nimbus Cloud", "Orchard Retail", "Pioneer Bio", "Quarry Materials", "Riverbend Media", "Summit HR",
		"Tidal Payments", "Umbra Security", "Vantage Realty", "Willow Care", "Zenith Motors", "Café Ümlaut"}
	fillRoles     = []string{"CEO", "Founder", "CTO", "COO", "Head of Engineering", "VP Product", ""}
	fillSources   = []string{"linkedin", "newsletter", "podcast", "google", "twitter"}
	fillReferrers = []string{"www.linkedin.com", "news.ycombinator.com", "www.google.com", "substack.com", "duckduckgo.com"}
	fillWords     = []string{
		"Which of our three product bets gets the next quarter's engineering time.",
		"Whether to rebuild onboarding before the spring launch or after it",
		"We keep agreeing on priorities on Monday and drifting apart by Thursday.",
		"How to price the enterprise tier without losing the self-serve customers.",
		"Our roadmap is a list of promises to customers; nobody says no.",
		"The founders disagree about moving upmarket and the team feels it.",
		"Deciding what to cut so the mobile app ships this year.",
		"Hiring our first product manager and what they should own.",
		"Whether the data platform is a product or an internal tool.",
		"Sales asks for custom features every week and engineering says yes.",
		"Café owners love the app; restaurant chains want something else entirely.",
		"Ob wir zuerst den deutschen Markt oder Skandinavien angehen.",
	}
	fillNotes = []string{
		"Spoke on the phone: wants a proposal by Friday.",
		"Left a voicemail; try again next week.",
		"Not a fit right now; revisit after their funding round.",
		"Introduced to a PM recruiter instead.",
		"Great call. Sending the three-month outline.",
	}
	fillMessages = []string{
		"Could we talk about the plan before the board meeting?",
		"Is a two-month engagement possible?",
		"We already have a PM; would you coach them?",
	}
)
