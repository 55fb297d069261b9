// Package card draws the images link previews show: a result card (the
// verdict, the headline and the criteria as bars) and the landing page's
// card, each a 1200×630 PNG. It is pure, like rules: a view value in,
// bytes out, no I/O and no clock, and equal views give equal bytes, so the
// caller may cache a card by its view and serve it as immutable.
package card

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"sessionplayer.studio/fitcheck/assessment"
)

// Brand is the name every card carries in its corner, as the site's pages do.
const Brand = "fitcheck"

// Family groups the outcomes that share a look on a card. Each family has
// its own colour and its own icon, so the verdict never rests on colour alone.
type Family string

// The outcome families.
const (
	Fit       Family = "fit"       // fractional product leadership fits: book a call
	Explore   Family = "explore"   // no clear verdict: worth a conversation
	Elsewhere Family = "elsewhere" // not now, or something else serves better
)

// FamilyOf places an outcome in its family. An outcome this version does not
// know reads as Explore, the family that claims the least.
func FamilyOf(outcome string) Family {
	switch outcome {
	case assessment.BookACall:
		return Fit
	case assessment.NarrowScope, assessment.HireAPM, assessment.HireFullTime, assessment.DifferentConversation:
		return Elsewhere
	default:
		return Explore
	}
}

// Result is everything a result card shows. It holds nothing a founder
// typed and no contact details: only what follows from the questionnaire
// version, the outcome and the scores, so equal answers give equal cards.
type Result struct {
	Brand    string
	Family   Family
	Verdict  string // the badge's words, e.g. "Strong fit"
	Headline string
	Question string // what the questionnaire asks, shown at the foot
	Minutes  int    // how long the questionnaire takes; 0 leaves it unsaid
	Groups   []Group
}

// Group is a set of criteria that point the same way, under one heading.
type Group struct {
	Label string
	Kind  assessment.CriterionKind
	Bars  []Bar
}

// Bar is one criterion's score drawn against the most it could have been,
// over the zones of its levels.
type Bar struct {
	Label      string
	Score      int
	Max        int
	Thresholds []int // the lowest score of each level above the first, ascending
	LevelRank  int   // 0 is the lowest level
	LevelLabel string
}

// Verdict is the badge's words for a family, short enough to read at a
// glance on a card. (The result page gives each outcome a badge of its
// own: assessment.Questionnaire.BadgeOf.)
func (f Family) Verdict() string { return verdicts[f] }

// verdicts are the badge's words per family.
var verdicts = map[Family]string{
	Fit:       "Strong fit",
	Explore:   "Worth exploring",
	Elsewhere: "A different route",
}

// ResultFor builds a result card from the questionnaire version the result
// answered and the result itself. It reads the outcome, the criteria's
// scores and levels, and the content's own wording; nothing else.
func ResultFor(q *assessment.Questionnaire, r assessment.Result) Result {
	family := FamilyOf(r.Outcome)
	v := Result{Brand: Brand, Family: family, Verdict: verdicts[family], Headline: "A fitcheck result", Question: q.Title, Minutes: q.Minutes}
	if o, ok := q.Outcome(r.Outcome); ok && o.Headline != "" {
		v.Headline = o.Headline
	}
	for _, kind := range assessment.CriterionKinds {
		group := Group{Label: kind.ShortHeading(), Kind: kind}
		for _, c := range r.Criteria {
			if c.Kind == kind {
				group.Bars = append(group.Bars, barFor(q, c))
			}
		}
		if len(group.Bars) > 0 {
			v.Groups = append(v.Groups, group)
		}
	}
	return v
}

// barFor takes the thresholds from the questionnaire in ladder order, so
// the zones follow the levels the result was graded on.
func barFor(q *assessment.Questionnaire, c assessment.CriterionResult) Bar {
	b := Bar{Label: c.Label, Score: c.Score, Max: c.Max, LevelRank: c.LevelRank, LevelLabel: c.LevelLabel}
	def, ok := q.Criterion(c.ID)
	if !ok {
		return b
	}
	for _, l := range q.Levels[min(1, len(q.Levels)):] {
		if t, ok := def.Thresholds[l.ID]; ok {
			b.Thresholds = append(b.Thresholds, t)
		}
	}
	return b
}

// Landing is what the landing page's card shows: the questionnaire's title,
// its promise, and who is behind it when the content names them.
type Landing struct {
	Brand      string
	Title      string
	Promise    string
	OwnerName  string // optional
	OwnerTitle string // optional, one line
}

// LandingFor builds the landing card from the questionnaire. The owner's
// name and title are left for the caller to fill from the content's owner.
func LandingFor(q *assessment.Questionnaire) Landing {
	promise := "A straight answer, with the reasons behind it."
	if q.Minutes > 0 {
		promise = "A straight answer in " + strconv.Itoa(q.Minutes) + " minutes, with the reasons behind it."
	}
	return Landing{Brand: Brand, Title: q.Title, Promise: promise}
}

// Key names a result card's view: equal views have equal keys and draw
// equal bytes, so a cache can hold cards by key and two founders with the
// same answers share one entry. It names the view, not the drawing: a
// change to this package's design keeps the key, so an ETag should hash
// the bytes.
func (v Result) Key() string {
	// A view has no maps, so its JSON is the same every time.
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("card: encode view: %v", err)) // strings, ints and slices always encode
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
