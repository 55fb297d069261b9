package assessment

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultContent is the questionnaire embedded in the binary, used when no
// content file is given.
//
//go:embed content/default.yaml
var DefaultContent []byte

// Problem is one thing wrong with a content file, located by line.
type Problem struct {
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return p.Message
}

// ContentError lists every problem found in a content file, so an owner can
// fix them all in one pass instead of one per restart.
type ContentError struct {
	Problems []Problem
}

func (e *ContentError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("questionnaire has %d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Version is the content hash that identifies one questionnaire file.
func Version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Parse reads a content file and checks it. On any problem it returns a
// *ContentError listing them all with their lines.
func Parse(data []byte) (*Questionnaire, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ContentError{Problems: yamlProblems(err)}
	}
	if len(root.Content) == 0 || root.Content[0].Tag == "!!null" {
		return nil, &ContentError{Problems: []Problem{{Message: "the file is empty"}}}
	}
	if problems := sizeProblems(&root); len(problems) > 0 {
		return nil, &ContentError{Problems: problems}
	}
	var q Questionnaire
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var decodeProblems []Problem
	if err := dec.Decode(&q); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, &ContentError{Problems: yamlProblems(err)}
		}
		// A type error (a misspelt field, text where a number belongs) still
		// decodes everything else, so check the rest too and report it all.
		decodeProblems = yamlProblems(err)
	}
	if problems := conditionProblems(&q); len(problems) > 0 {
		return nil, &ContentError{Problems: problems}
	}
	c := checker{q: &q, root: root.Content[0], problems: decodeProblems}
	c.check()
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
		return nil, &ContentError{Problems: c.problems}
	}
	q.Version = Version(data)
	q.Source = data
	q.maxScores = maxScores(&q)
	return &q, nil
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlProblems turns the YAML library's errors into problems with lines.
func yamlProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			msg := g[2]
			if f := unknownField.FindStringSubmatch(msg); f != nil {
				msg = fmt.Sprintf("unknown field %q: check its spelling and indentation", f[1])
			}
			out = append(out, Problem{Line: n, Message: msg})
			continue
		}
		out = append(out, Problem{Message: strings.TrimPrefix(m, "yaml: ")})
	}
	return out
}

// lineOf finds the line of the node at path (mapping keys and sequence
// indices) below root. When the path ends at a mapping key it reports the
// key's line; when part of the path is missing it reports the deepest line
// it reached, which is where the missing piece belongs.
func lineOf(root *yaml.Node, path ...any) int {
	n := root
	line := root.Line
	for _, p := range path {
		next, keyLine := child(n, p)
		if next == nil {
			if keyLine > 0 {
				return keyLine
			}
			return line
		}
		n, line = next, next.Line
		if keyLine > 0 {
			line = keyLine
		}
	}
	return line
}

func child(n *yaml.Node, p any) (*yaml.Node, int) {
	switch key := p.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil, 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && key >= 0 && key < len(n.Content) {
			return n.Content[key], 0
		}
	}
	return nil, 0
}
