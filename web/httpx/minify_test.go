package httpx

import (
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
		if got := string(MinifyCSS([]byte(tt.in))); got != tt.want {
			t.Errorf("MinifyCSS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
