package assessment

import "time"

// Publication is one time a questionnaire version was put in force from
// the rules lab or `fitcheck publish`. The latest publication is the
// version every instance serves; before the first, each serves its own
// -questionnaire file (or the built-in one). A roll-back is a publication
// too, of the version an earlier one replaced.
type Publication struct {
	ID       int64
	Version  string // the content hash of the version put in force
	Replaced string // the version in force before it, as the publisher saw it
	By       string // the owner's e-mail, or who ran `fitcheck publish`
	At       time.Time
	Rollback bool // a roll-back to an earlier version, not a new one
}
