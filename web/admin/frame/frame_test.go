package frame_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestChrome: the confirmation shown is one of ours, named by the query,
// never words the query brings; the owner is the one signed in.
func TestChrome(t *testing.T) {
	q, err := assessmentContent()
	if err != nil {
		t.Fatal(err)
	}
	area := reviewtest.Area(t, q, nil)
	tests := []struct {
		query, owner, wantDone string
	}{
		{"?done=note", "greg@example.com", "Note added."},
		{"?done=signed-out", "", "You are signed out."},
		{"?done=You+have+won+a+prize", "greg@example.com", ""},
		{"", "greg@example.com", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/admin"+tt.query, nil)
		if tt.owner != "" {
			r = r.WithContext(frame.WithOwner(r.Context(), &assessment.Owner{Email: tt.owner}))
		}
		c := area.Chrome(r, "list")
		if c.Done != tt.wantDone || c.OwnerEmail != tt.owner || c.Section != "list" {
			t.Errorf("Chrome(%q, owner %q) = %+v, want done %q and owner %q", tt.query, tt.owner, c, tt.wantDone, tt.owner)
		}
	}
}

// TestTimesAreTheOwners: every time shown is in the owner's zone.
func TestTimesAreTheOwners(t *testing.T) {
	q, err := assessmentContent()
	if err != nil {
		t.Fatal(err)
	}
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		zone        *time.Location
		short, long string
	}{
		{nil, "Mon 2 Mar 2026, 23:30", "Monday 2 March 2026, 23:30 UTC"},
		{auckland, "Tue 3 Mar 2026, 12:30", "Tuesday 3 March 2026, 12:30 NZDT"},
	} {
		area := reviewtest.Area(t, q, tt.zone)
		if got := area.ShortTime(at); got != tt.short {
			t.Errorf("ShortTime(%v) in %v = %q, want %q", at, area.Zone, got, tt.short)
		}
		if got := area.LongTime(at); got != tt.long {
			t.Errorf("LongTime(%v) in %v = %q, want %q", at, area.Zone, got, tt.long)
		}
	}
}

func assessmentContent() (*assessment.Questionnaire, error) {
	return rules.Load(assessment.DefaultContent)
}
