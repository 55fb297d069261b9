package assessment

import "time"

// WeekStart is the Monday 00:00 UTC that begins t's ISO week: the bucket
// the dashboard counts assessments in.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	sinceMonday := (int(day.Weekday()) + 6) % 7 // Sunday is 0 in Go, 6 days after Monday
	return day.AddDate(0, 0, -sinceMonday)
}

// WeekCount is how many assessments reached an outcome in one week.
type WeekCount struct {
	WeekStart time.Time // Monday 00:00 UTC
	Outcome   string
	Count     int
}
