package assessment_test

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestIsShareToken(t *testing.T) {
	tests := []struct {
		token string
		want  bool
	}{
		{assessment.NewShareToken(), true},
		{"abcdefghijklmnopqrstuv-_", true},
		{"ABCDEFGHIJKLMNOPQRSTUVWX", true},
		{"abcdefghijklmnopqrstuvw", false},   // 23
		{"abcdefghijklmnopqrstuvwxy", false}, // 25
		{"abcdefghijklmnopqrstuv+/", false},  // standard base64
		{"abcdefghijklmnopqrstuv.j", false},
		{strings.Repeat("é", 12), false},
		{"", false},
	}
	for _, tt := range tests {
		if got := assessment.IsShareToken(tt.token); got != tt.want {
			t.Errorf("IsShareToken(%q) = %v, want %v", tt.token, got, tt.want)
		}
	}
}
