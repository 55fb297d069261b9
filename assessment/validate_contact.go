package assessment

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits on the optional contact details, generous for real names and
// addresses, small enough that nobody stores an essay in them.
const (
	maxContactField = 120
	maxEmail        = 254
)

// Check returns a message per contact field the visitor should fix, beside
// the answer checks (Step.CheckStep); owner is who would get in touch.
func (c Contact) Check(owner string) FieldErrors {
	errs := FieldErrors{}
	for field, value := range map[string]string{"name": c.Name, "company": c.Company, "role": c.Role} {
		if !utf8.ValidString(value) {
			errs[field] = "That text could not be read. Please type it again."
		} else if n := utf8.RuneCountInString(value); n > maxContactField {
			errs[field] = fmt.Sprintf("Please keep this to %d characters or fewer (this one has %d).", maxContactField, n)
		}
	}
	if c.Email != "" {
		addr, err := mail.ParseAddress(c.Email)
		if err != nil || addr.Address != c.Email || len(c.Email) > maxEmail || !strings.Contains(addr.Address, ".") {
			errs["email"] = "Please enter an email address like name@company.com."
		}
	}
	// Details sent to the owner need a way to reach them; skipping needs none.
	if c.Consent && c.Email == "" && errs["email"] == "" {
		errs["email"] = "Add your email so " + owner + " can reach you, or skip to see your result."
	}
	return errs
}

// Given reports whether the visitor typed any contact detail.
func (c Contact) Given() bool {
	return c.Name != "" || c.Email != "" || c.Company != "" || c.Role != ""
}
