package assessment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is how every piece of free text a visitor gives is kept: an
// answer, a name, a company, a role, an email. It is trimmed of surrounding
// white space, and loses the characters that have no business in stored
// text and can mislead whoever reads it later:
//   - NUL, which cuts strings short in C tools and spreadsheets;
//   - the bidirectional embedding, override and isolate controls
//     (U+202A–U+202E, U+2066–U+2069), which make text display in another
//     order than it is stored ("Trojan Source"), in the review area, an
//     export or an e-mail.
//
// Text that is not valid UTF-8 is only trimmed: dropping bytes out of it
// could join the pieces of a control into a whole one, and the validation
// after this refuses it anyway.
func CleanText(s string) string {
	if utf8.ValidString(s) {
		s = strings.Map(dropControl, s)
	}
	return strings.TrimSpace(s)
}

// dropControl is CleanText's strings.Map function: -1 drops the rune.
func dropControl(r rune) rune {
	switch {
	case r == 0,
		r >= '\u202A' && r <= '\u202E', // LRE, RLE, PDF, LRO, RLO
		r >= '\u2066' && r <= '\u2069': // LRI, RLI, FSI, PDI
		return -1
	}
	return r
}

// CleanLine is CleanText for a field of one line: a name, a company, a
// role, an email, where a founder came from. Besides what CleanText drops,
// every control character (CR, LF and tab included, and the C1 controls
// such as NEL) and the Unicode line and paragraph separators become a
// space, and runs of white space one space, so the field can never start a
// line of its own wherever it is written later: a brief.txt, an e-mail's
// contact block, a Slack message, a header.
//
// In text that is not valid UTF-8 only the ASCII controls are replaced
// (bytes below 0x80 are never part of a longer character, so replacing
// them joins nothing); the validation after this refuses such text.
func CleanLine(s string) string {
	s = CleanText(s)
	if !utf8.ValidString(s) {
		b := []byte(s)
		for i, c := range b {
			if c < 0x20 || c == 0x7f {
				b[i] = ' '
			}
		}
		return strings.TrimSpace(string(b))
	}
	return strings.Join(strings.FieldsFunc(s, breaksLine), " ")
}

// breaksLine is CleanLine's separator: white space, controls, and the line
// and paragraph separators (which unicode.IsSpace already counts).
func breaksLine(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
