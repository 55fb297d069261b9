package result

import "testing"

// TestMailbox: the spellings of one mailbox that the big providers deliver
// to the same inbox count as one.
func TestMailbox(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"victim@example.org", "victim@example.org"},
		{"Victim@Example.ORG", "victim@example.org"},
		{"victim+1@example.org", "victim@example.org"},
		{"victim+a+b@example.org", "victim@example.org"},
		{"v.i.c.t.i.m@gmail.com", "victim@gmail.com"},
		{"V.ictim+news@googlemail.com", "victim@gmail.com"},
		{"first.last@example.org", "first.last@example.org"}, // dots matter outside Gmail
		{"+tag@example.org", "+tag@example.org"},             // nothing before the tag: kept
	} {
		if got := mailbox(tt.in); got != tt.want {
			t.Errorf("mailbox(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
