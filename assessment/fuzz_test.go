package assessment_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// FuzzParse feeds arbitrary bytes to the content-file loader. Whatever an
// owner writes, Parse must answer with a questionnaire or with problems they
// can act on, never a panic; and a file that parses must survive rules.Load.
func FuzzParse(f *testing.F) {
	minimal, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(assessment.DefaultContent)
	f.Add(minimal)
	for _, seed := range []string{
		"",
		"---",
		"---\n",
		"# only a comment\n",
		"title: [unclosed\n",
		"title: \"unterminated",
		"title: x\n\tsummary: tab-indented\n",
		"minutes: many\nlevels: 5\n",
		"titel: misspelt\n",
		"title: a\ntitle: b\n",
		"rules:\n  - id: r\n    when: {all: [{not: {any: []}}]}\n",
		"examples:\n  - answers: [not, a, mapping]\n",
		"examples:\n  - answers: {q: [[nested]]}\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"\xef\xbb\xbftitle: bom\r\nsummary: crlf\r\n",
		"\xff\xfet\x00:\x00 \x00[\x00\n\x00",
	} {
		f.Add([]byte(seed))
	}
	f.Add(minimal[:len(minimal)/2])
	f.Add(bytes.ReplaceAll(minimal, []byte("\n"), []byte("\r\n")))
	f.Add(bytes.Replace(minimal, []byte("    thresholds: {some: 3, strong: 6}"), []byte("    thresholds: {some: 6, strong: 3}"), 1))

	f.Fuzz(func(t *testing.T, data []byte) {
		// YAML decoding is superlinear on some shapes; real files are a few KB.
		if len(data) > 64<<10 {
			t.Skip()
		}
		q, err := assessment.Parse(data)
		if err == nil {
			if q == nil {
				t.Fatal("Parse = nil, nil")
			}
			if want := assessment.Version(data); q.Version != want {
				t.Errorf("Parse(...).Version = %s, want %s", q.Version, want)
			}
			// Parse succeeded, so Load may only add failing examples.
			if _, err := rules.Load(data); err != nil {
				var ee *rules.ExamplesError
				if !errors.As(err, &ee) {
					t.Errorf("Load after a clean Parse = %T %v, want nil or *rules.ExamplesError", err, err)
				}
			}
			return
		}
		if q != nil {
			t.Errorf("Parse = %v and a questionnaire, want nil with an error", err)
		}
		var ce *assessment.ContentError
		if !errors.As(err, &ce) {
			t.Fatalf("Parse error = %T %v, want *assessment.ContentError", err, err)
		}
		if len(ce.Problems) == 0 {
			t.Fatalf("Parse returned a ContentError with no problems")
		}
		// The scanner reports the end of input on the line after the last,
		// even when the file does not end in a line break ("---" is line 1,
		// its empty document line 2), so one line past the end is allowed.
		last := yamlLines(data) + 1
		for _, p := range ce.Problems {
			if p.Message == "" {
				t.Errorf("problem at line %d has no message", p.Line)
			}
			if p.Line < 0 || p.Line > last {
				t.Errorf("problem %q at line %d, want a line in 0..%d", p.Message, p.Line, last)
			}
		}
	})
}

// yamlLines counts the lines of data as an editor shows them, ending each at
// a break the YAML scanner recognises: CR LF, CR, LF, NEL, LS or PS. Like the
// scanner, it reads UTF-16 when the data starts with its byte-order mark.
func yamlLines(data []byte) int {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if data[0] == 0xff {
				units = append(units, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		data = []byte(string(utf16.Decode(units)))
	}
	breaks := [][]byte{[]byte("\r\n"), []byte("\r"), []byte("\n"), []byte("\u0085"), []byte("\u2028"), []byte("\u2029")}
	n := 0
	open := false // a line has content but no break yet
	for len(data) > 0 {
		width := 0
		for _, b := range breaks {
			if bytes.HasPrefix(data, b) {
				width = len(b)
				break
			}
		}
		if width == 0 {
			open = true
			data = data[1:]
			continue
		}
		n++
		open = false
		data = data[width:]
	}
	if open {
		n++
	}
	return n
}
