package assessment

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// A content file is checked, and its rules run on every stored assessment
// in the rules lab, so its size is bounded where it counts: after YAML's
// aliases are expanded (a small file can name one anchor thousands of
// times, and each name is a full copy once decoded), and in conditions,
// which set what one evaluation costs. Both bounds are far above any real
// questionnaire: the built-in one has about 2,500 nodes and 75 conditions.
const (
	// MaxExpandedNodes is the most YAML nodes a content file may hold
	// with its aliases expanded: about what a file of the rules lab's
	// largest size holds without aliases.
	MaxExpandedNodes = 50_000
	// MaxConditions is the most conditions (each test, each all, any, not
	// and count+of) the rules and the tensions may hold together.
	MaxConditions = 2_000
)

// sizeProblems reports a file too large once its aliases are expanded, from
// its YAML tree before anything is decoded, so the copies are never made.
func sizeProblems(root *yaml.Node) []Problem {
	if n := expandedNodes(root, map[*yaml.Node]int{}, MaxExpandedNodes); n > MaxExpandedNodes {
		return []Problem{{Message: fmt.Sprintf("the file is too large once its aliases (*name) are expanded: "+
			"more than %d entries, the most a questionnaire may have; write it out plainly, or use fewer aliases", MaxExpandedNodes)}}
	}
	return nil
}

// expandedNodes counts n's nodes with every alias counted as a copy of
// what it names, stopping once the count passes limit (it then returns a
// number above limit). seen remembers what each node counts to; a node
// being counted is marked -1, so an alias that names a node it is inside
// counts as too many rather than for ever.
func expandedNodes(n *yaml.Node, seen map[*yaml.Node]int, limit int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return expandedNodes(n.Alias, seen, limit)
	}
	switch c, ok := seen[n]; {
	case ok && c < 0:
		return limit + 1
	case ok:
		return c
	}
	seen[n] = -1
	total := 1
	for _, child := range n.Content {
		if total += expandedNodes(child, seen, limit); total > limit {
			break
		}
	}
	seen[n] = total
	return total
}

// conditionProblems reports rules and tensions (the result's and the
// brief's) that hold more conditions than MaxConditions together.
func conditionProblems(q *Questionnaire) []Problem {
	n := 0
	for i := range q.Rules {
		n += conditionsIn(q.Rules[i].When)
	}
	for i := range q.Tensions {
		n += conditionsIn(q.Tensions[i].Asked) + conditionsIn(q.Tensions[i].Described)
	}
	for i := range q.Brief.Tensions {
		n += conditionsIn(q.Brief.Tensions[i].When)
	}
	if n > MaxConditions {
		return []Problem{{Message: fmt.Sprintf("the rules and tensions hold %d conditions; at most %d are allowed", n, MaxConditions)}}
	}
	return nil
}

func conditionsIn(c *Condition) int {
	if c == nil {
		return 0
	}
	n := 1 + conditionsIn(c.Not)
	for _, group := range [][]Condition{c.All, c.Any, c.Of} {
		for i := range group {
			n += conditionsIn(&group[i])
		}
	}
	return n
}
