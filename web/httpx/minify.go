package httpx

import (
	"bytes"
	"regexp"
)

// The stylesheets are written to be read, with comments and one rule per
// line; visitors get them without the comments and layout whitespace. The
// rules here are deliberately conservative: whitespace is dropped only
// where CSS never gives it meaning (around braces, after a colon, around
// semicolons and commas). A space before a colon is kept, since
// "nav :focus" (a descendant) differs from "nav:focus".
var (
	cssComment    = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssSpace      = regexp.MustCompile(`\s+`)
	cssAroundPunc = regexp.MustCompile(` ?([{};,]) ?`)
	cssAfterColon = regexp.MustCompile(`: `)
)

// MinifyCSS strips comments and layout whitespace from a stylesheet. It
// assumes no comment markers or significant runs of spaces inside strings,
// which holds for ours (a test checks the result still parses the same).
func MinifyCSS(css []byte) []byte {
	out := cssComment.ReplaceAll(css, nil)
	out = cssSpace.ReplaceAll(out, []byte(" "))
	out = cssAroundPunc.ReplaceAll(out, []byte("$1"))
	out = cssAfterColon.ReplaceAll(out, []byte(":"))
	out = bytes.ReplaceAll(out, []byte(";}"), []byte("}"))
	return bytes.TrimSpace(out)
}
