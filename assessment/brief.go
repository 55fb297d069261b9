package assessment

// BriefContent is the optional brief: section of a content file: what the
// review area's pre-call brief draws on. It never changes a result.
type BriefContent struct {
	// Tried explains, per option of one multi question ("what have you
	// already tried?"), why that attempt eases a symptom, not the cause.
	Tried BriefTried `yaml:"tried"`
	// Tensions are pairs of answers that pull against each other.
	Tensions []Tension `yaml:"tensions"`
	// Questions are first-call questions per criterion id.
	Questions map[string][]string `yaml:"questions"`
}

// BriefTried maps the options of Question to why each treats a symptom.
type BriefTried struct {
	Question string            `yaml:"question"`
	Options  map[string]string `yaml:"options"`
}

// Tension is answers that pull against each other, when its condition holds
// (the same conditions rules use), with questions that explore it.
type Tension struct {
	ID        string     `yaml:"id"`
	Label     string     `yaml:"label"`
	When      *Condition `yaml:"when"`
	Questions []string   `yaml:"questions"`
}
