package data

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
)

// decodeAnswers reads stored answers, a JSON object of string arrays as
// encodeAnswers writes them, as encoding/json would, in a third of the
// time: a re-score or an export decodes every stored assessment's answers,
// and with encoding/json that was most of its work. A string with an
// escape in it is handed to encoding/json; text in any other shape (never
// written by the store) is decoded by encoding/json whole.
func decodeAnswers(text string) (assessment.Answers, error) {
	if a, ok := scanAnswers(text); ok {
		return a, nil
	}
	a := assessment.Answers{}
	if err := json.Unmarshal([]byte(text), &a); err != nil {
		return nil, err
	}
	return a, nil
}

// scanAnswers is decodeAnswers' fast path; ok is false when text is not in
// the shape encodeAnswers writes.
func scanAnswers(text string) (assessment.Answers, bool) {
	p := answersScanner{s: text}
	if !p.take('{') {
		return nil, false
	}
	a := make(assessment.Answers, answersHint)
	if p.take('}') {
		return a, p.done()
	}
	for {
		key, ok := p.str()
		if !ok || !p.take(':') {
			return nil, false
		}
		values, ok := p.strings()
		if !ok {
			return nil, false
		}
		a[key] = values
		if p.take('}') {
			return a, p.done()
		}
		if !p.take(',') {
			return nil, false
		}
	}
}

// answersScanner reads s from i on.
type answersScanner struct {
	s string
	i int
}

// take consumes c, after any space, if it is next.
func (p *answersScanner) take(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *answersScanner) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// done reports whether nothing but space is left.
func (p *answersScanner) done() bool {
	p.space()
	return p.i == len(p.s)
}

// strings reads an array of strings, or null (a nil slice, as
// encoding/json gives).
func (p *answersScanner) strings() ([]string, bool) {
	p.space()
	if strings.HasPrefix(p.s[p.i:], "null") {
		p.i += len("null")
		return nil, true
	}
	if !p.take('[') {
		return nil, false
	}
	values := []string{}
	if p.take(']') {
		return values, true
	}
	for {
		v, ok := p.str()
		if !ok {
			return nil, false
		}
		values = append(values, v)
		if p.take(']') {
			return values, true
		}
		if !p.take(',') {
			return nil, false
		}
	}
}

// str reads a JSON string. One without escapes is a slice of s; one with
// escapes is decoded by encoding/json.
func (p *answersScanner) str() (string, bool) {
	if !p.take('"') {
		return "", false
	}
	start, escaped := p.i, false
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '\\':
			escaped = true
			p.i += 2
			continue
		case c == '"':
			raw := p.s[start:p.i]
			p.i++
			if !escaped {
				// encoding/json would replace invalid UTF-8 and refuses
				// control characters: leave those to it.
				if !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 }) {
					return "", false
				}
				return raw, true
			}
			var v string
			if err := json.Unmarshal([]byte(p.s[start-1:p.i]), &v); err != nil {
				return "", false
			}
			return v, true
		}
		p.i++
	}
	return "", false
}
