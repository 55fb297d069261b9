package frame

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ago  time.Duration
		zone *time.Location
		want string
	}{
		{-time.Minute, time.UTC, "just now"},
		{59 * time.Second, time.UTC, "just now"},
		{time.Minute, time.UTC, "1 min ago"},
		{59 * time.Minute, time.UTC, "59 min ago"},
		{2*time.Hour + 59*time.Minute, time.UTC, "2 h ago"},
		{23 * time.Hour, time.UTC, "23 h ago"},
		{24 * time.Hour, time.UTC, "1 d ago"},
		{6*24*time.Hour + 23*time.Hour, time.UTC, "6 d ago"},
		{7 * 24 * time.Hour, time.UTC, "2 Mar"},
		{70 * 24 * time.Hour, time.UTC, "29 Dec 2025"},
		// 23:30 UTC on 1 March is 12:30 on 2 March in Auckland.
		{7*24*time.Hour + 9*time.Hour + 30*time.Minute, time.UTC, "1 Mar"},
		{7*24*time.Hour + 9*time.Hour + 30*time.Minute, auckland, "2 Mar"},
	} {
		if got := agoAt(now.Add(-tt.ago), now, tt.zone); got != tt.want {
			t.Errorf("agoAt(now-%v, %v) = %q, want %q", tt.ago, tt.zone, got, tt.want)
		}
	}
}
