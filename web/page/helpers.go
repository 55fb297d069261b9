package page

// AriaInvalid is the aria-invalid value of a field with message msg.
func AriaInvalid(msg string) string {
	if msg != "" {
		return "true"
	}
	return "false"
}

// FirstOr is the first of list, or fallback when list is empty.
func FirstOr(list []string, fallback string) string {
	if len(list) > 0 {
		return list[0]
	}
	return fallback
}
