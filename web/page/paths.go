package page

import "strconv"

// ResultURL is the address of a stored result's page.
func ResultURL(token string) string { return "/r/" + token }

// StepURL is the address of step n, counted from 1; the step after the
// last question step is the built-in contact step.
func StepURL(n int) string { return "/step/" + strconv.Itoa(n) }
