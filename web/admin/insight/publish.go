package insight

import "sessionplayer.studio/fitcheck/assessment"

// publishView is the rules lab's Publish, under a checked candidate.
type publishView struct {
	// Ready: the candidate parses, every example passes, and it is not the
	// version in force already.
	Ready   bool
	InForce bool // the candidate is the version in force
	Version string
	Short   string
	Changes []changeGroup // what it changes from the version in force
}

// publishable is what the lab offers for candidate q, whose examples
// failed failures times, against current, the version in force.
func publishable(q *assessment.Questionnaire, failures int, current *assessment.Questionnaire) publishView {
	v := publishView{Version: q.Version, Short: short(q.Version), InForce: q.Version == current.Version}
	v.Ready = failures == 0 && !v.InForce
	if v.Ready {
		v.Changes = groupChanges(assessment.Diff(current, q))
	}
	return v
}
