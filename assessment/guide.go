package assessment

// Guide is a printable page an outcome offers as its first help: a
// one-hour scoping exercise, or a hiring guide (what to look for, what to
// ask, the first 90 days). It is the content's own words, the same for
// everyone who reaches the outcome.
type Guide struct {
	Title    string         `yaml:"title"`
	Intro    string         `yaml:"intro"`
	Sections []GuideSection `yaml:"sections"`
}

// GuideSection is one part of a guide under its own heading: a paragraph,
// a list, or both. WriteIn leaves room to write under each point on paper,
// for questions the reader answers.
type GuideSection struct {
	Title   string   `yaml:"title"`
	Body    string   `yaml:"body"`
	Points  []string `yaml:"points"`
	WriteIn bool     `yaml:"write_in"`
}
