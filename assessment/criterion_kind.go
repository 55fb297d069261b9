package assessment

// CriterionKinds are the kinds in the order every page and card shows
// them: the signals for a fractional engagement, those against, context.
var CriterionKinds = []CriterionKind{FitSignal, NotFitSignal, Context}

// kindWords is every wording of the criterion kinds, in one place: the
// result page's chart, its criterion list and the link-preview card each
// say it their own way, at their own length.
var kindWords = map[CriterionKind]struct{ heading, shortHeading, direction string }{
	FitSignal:    {"Signs for a fractional leader", "Signs for", "Points towards a fractional leader"},
	NotFitSignal: {"Signs against", "Signs against", "Points elsewhere"},
	Context:      {"Context", "Context", "Context"},
}

// Heading heads the criteria of kind k on the result's chart.
func (k CriterionKind) Heading() string { return kindWords[k].heading }

// ShortHeading heads the criteria of kind k where room is short (the card).
func (k CriterionKind) ShortHeading() string { return kindWords[k].shortHeading }

// Direction says in plain words which way a criterion of kind k points.
func (k CriterionKind) Direction() string { return kindWords[k].direction }

// Rank is k's place in CriterionKinds; an unknown kind comes last.
func (k CriterionKind) Rank() int {
	for i, kind := range CriterionKinds {
		if kind == k {
			return i
		}
	}
	return len(CriterionKinds)
}
