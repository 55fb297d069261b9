// Package csvsafe keeps spreadsheets from running what people typed: a CSV
// field that a spreadsheet would read as a formula is made plain text.
//
// It is the OWASP "CSV injection" advice, as OWASP ASVS 5.0 (V1.2.10)
// states it, with the characters spreadsheets are also known to act on
// added. encoding/csv does the quoting RFC 4180 asks for; this package
// only decides what a field may start with.
package csvsafe

import "unicode/utf8"

// Field returns s prefixed with a single quote when its first character
// could make a spreadsheet read it as a formula or command, and s itself
// otherwise. Spreadsheets show the quoted field as the text it was, without
// the quote. The first characters that get a quote:
//   - = + - @, which start a formula, and their fullwidth (＝ ＋ － ＠) and
//     small (﹦ ﹢ ﹣ ﹫) forms, which some spreadsheets and locales read as
//     the same;
//   - | and its fullwidth ｜, which start a DDE command in older Excel;
//   - tab, carriage return and NUL, which spreadsheets may drop before
//     reading the rest, and which ASVS names;
//   - the zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which
//     are dropped or invisible, so that what follows them reads as the
//     start.
//
// A field is never changed in any other way, so a person reading the export
// sees exactly what was typed, after the quote.
func Field(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if startsFormula(r) {
		return "'" + s
	}
	return s
}

func startsFormula(first rune) bool {
	switch first {
	case '=', '+', '-', '@',
		'＝', '＋', '－', '＠', // fullwidth forms
		'﹦', '﹢', '﹣', '﹫', // small forms
		'|', '｜',
		'\t', '\r', 0,
		'\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return false
}
