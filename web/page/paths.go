package page

// ResultURL is the address of a stored result's page.
func ResultURL(token string) string { return "/r/" + token }
