package admin

import (
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

func statusName(st assessment.Status) string {
	s := string(st)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
