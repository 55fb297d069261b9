package assessment_test

import (
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "We keep missing deadlines.", "We keep missing deadlines."},
		{"trimmed", "  Zoë Ångström\n", "Zoë Ångström"},
		{"inner newlines kept", "line one\nline two", "line one\nline two"},
		{"NUL anywhere", "\x00Acme\x00 Ltd\x00", "Acme Ltd"},
		{"right-to-left override", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"every embedding and override", "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef", "abcdef"},
		{"every isolate", "a\u2066b\u2067c\u2068d\u2069e", "abcde"},
		{"controls around white space", "\u202E  name  \u2069", "name"},
		{"only controls", "\u202E\x00\u2066", ""},
		{"neighbours of the ranges kept", "w\u2029x\u202Fy\u2065z\u206A", "w\u2029x\u202Fy\u2065z\u206A"},
		{"right-to-left script kept", "مرحبا שלום", "مرحبا שלום"},
		{"marks kept", "a\u200Eb\u200Fc", "a\u200Eb\u200Fc"},
		// Dropping the NUL would join the bytes around it into U+202A.
		{"invalid UTF-8 only trimmed", " \xE2\x00\x80\xAA ", "\xE2\x00\x80\xAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assessment.CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCleanLine: a one-line field keeps its words and loses every way to
// start a line: CR, LF, tabs, other controls and the Unicode separators.
func TestCleanLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "Ada Lovelace", "Ada Lovelace"},
		{"a header forged with CRLF", "Bob\r\nBcc: everyone@example.com", "Bob Bcc: everyone@example.com"},
		{"bare CR and LF", "Acme\rLtd\nInc", "Acme Ltd Inc"},
		{"tabs and runs of spaces", "Head\t of   Product", "Head of Product"},
		{"other C0 controls and DEL", "a\x01b\x1bc\x7fd", "a b c d"},
		{"C1 next line", "one\u0085two", "one two"},
		{"line and paragraph separators", "one\u2028two\u2029three", "one two three"},
		{"NUL and bidi still dropped", "\x00in\u202Evoice", "invoice"},
		{"trimmed", "  \r\n Zoë \n", "Zoë"},
		{"invalid UTF-8: ASCII controls replaced", "\xff\r\nBcc: x", "\xff  Bcc: x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assessment.CleanLine(tt.in); got != tt.want {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
