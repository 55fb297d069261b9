package page

import (
	"regexp"
	"strings"
	"testing"
)

var cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

// TestServedCSSKeepsEveryRule guards the minifier against eating a rule:
// the served stylesheets have as many rule blocks as their sources.
func TestServedCSSKeepsEveryRule(t *testing.T) {
	for _, name := range []string{"style.css", "form.css", "result.css", "admin.css"} {
		src, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		served := Assets.Served(name)
		srcNoComments := cssComment.ReplaceAll(src, nil)
		if a, b := strings.Count(string(srcNoComments), "{"), strings.Count(string(served), "{"); a != b {
			t.Errorf("%s: %d rule blocks in the source, %d served", name, a, b)
		}
		if len(served) >= len(src) {
			t.Errorf("%s: served %d bytes, source %d: not minified", name, len(served), len(src))
		}
		t.Logf("%s: %d bytes written, %d served", name, len(src), len(served))
	}
}
