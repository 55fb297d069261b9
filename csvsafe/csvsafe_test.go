package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"sessionplayer.studio/fitcheck/csvsafe"
)

func TestField(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "Acme Ltd", "Acme Ltd"},
		{"empty", "", ""},
		{"equals", "=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"NUL", "\x00=1", "'\x00=1"},
		{"pipe (DDE)", "|calc", "'|calc"},
		{"fullwidth pipe", "｜calc", "'｜calc"},
		{"zero-width space", "\u200B=1+1", "'\u200B=1+1"},
		{"zero-width joiner", "\u200D=1", "'\u200D=1"},
		{"word joiner", "\u2060=1", "'\u2060=1"},
		{"byte order mark", "\uFEFF=1", "'\uFEFF=1"},
		{"fullwidth equals", "＝1+1", "'＝1+1"},
		{"fullwidth plus", "＋1", "'＋1"},
		{"fullwidth minus", "－1", "'－1"},
		{"fullwidth at", "＠SUM(A1)", "'＠SUM(A1)"},
		{"small equals", "﹦1", "'﹦1"},
		{"formula later in the text", "a=1", "a=1"},
		{"leading space", " =1", " =1"},
		{"quote already", "'=1", "'=1"},
		{"non-ASCII letter", "Zoë", "Zoë"},
		{"invalid UTF-8", "\xff=1", "\xff=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := csvsafe.Field(tt.in); got != tt.want {
				t.Errorf("Field(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFieldSurvivesCSV checks the quote reaches the file in front of the
// field, inside encoding/csv's own quoting, and reads back as written.
func TestFieldSurvivesCSV(t *testing.T) {
	in := []string{"\x00=cmd", "=1,\"2\""}
	rec := make([]string, len(in))
	for i, v := range in {
		rec[i] = csvsafe.Field(v)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(rec)
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatalf("read back %q: %v", buf.String(), err)
	}
	for i := range in {
		if want := "'" + in[i]; got[i] != want {
			t.Errorf("field %d read back as %q, want %q", i, got[i], want)
		}
	}
}
