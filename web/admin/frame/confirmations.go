package frame

import "net/http"

// doneMessages are the confirmations shown after a change; the query only
// names one, so nobody can put their own words on an admin page.
var doneMessages = map[string]string{
	"welcome":               "Your account is ready. Every stored assessment appears here, newest first.",
	"status":                "Follow-up status saved.",
	"calibration":           "Recorded. The dashboard counts it against what the rules predicted.",
	"note":                  "Note added.",
	"redeliver":             "The notification will be sent again in a moment.",
	"test-sent":             "Test sent. Check that it arrived.",
	"deleted":               "The assessment and its notes were deleted.",
	"signed-out":            "You are signed out.",
	"signed-out-everywhere": "You are signed out on every device.",
	"published":             "Published. New founders get this version now; every instance serves it within a few seconds.",
	"rolled-back":           "Rolled back. New founders get this version now; every instance serves it within a few seconds.",
	"already-in-force":      "That version is already in force: nothing changed.",
}

// DoneMessage is the confirmation r's query names (?done=…), or "".
func DoneMessage(r *http.Request) string {
	return doneMessages[r.URL.Query().Get("done")]
}
