package web

import (
	"strings"
	"testing"
)

func TestMinifyCSS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/* note */\na { color: red; }\n", "a{color:red}"},
		{"nav :focus { outline: 2px solid; }", "nav :focus{outline:2px solid}"},
		{"a:hover,\n  b > c { margin: 0 auto ; }", "a:hover,b > c{margin:0 auto}"},
		{`.x::before { content: "⚠ " / ""; }`, `.x::before{content:"⚠ " / ""}`},
		{"@media (min-width: 40rem) {\n  a { width: calc(100% - 2rem); }\n}", "@media (min-width:40rem){a{width:calc(100% - 2rem)}}"},
	}
	for _, tt := range tests {
		if got := string(minifyCSS([]byte(tt.in))); got != tt.want {
			t.Errorf("minifyCSS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestServedCSSKeepsEveryRule guards the minifier against eating a rule:
// the served stylesheets have as many rule blocks as their sources.
func TestServedCSSKeepsEveryRule(t *testing.T) {
	for _, name := range []string{"style.css", "form.css", "admin.css"} {
		src, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		served := assets[assetNames[name]].body
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
