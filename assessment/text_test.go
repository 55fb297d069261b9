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
