package frame

import (
	"strconv"
	"time"
)

// Ago is how long before now t was, as a list reads at a glance: "just
// now", "5 min ago", "2 h ago", "3 d ago", then the day ("2 Mar", with
// the year when it is not this one, in the owner's zone). The exact time
// goes beside it, in a title and a <time datetime>.
func (a *Area) Ago(t time.Time) string {
	return agoAt(t, a.Now(), a.Zone)
}

func agoAt(t, now time.Time, zone *time.Location) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now" // a clock a little ahead counts as now too
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	case d < 7*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " d ago"
	}
	t, now = t.In(zone), now.In(zone)
	if t.Year() == now.Year() {
		return t.Format("2 Jan")
	}
	return t.Format("2 Jan 2006")
}
