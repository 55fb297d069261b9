package visitor

import (
	"net/http"
	"net/url"
	"strings"
)

// FrameSource is where a founder who opens the frame came from, as the
// Start form's fields: the utm_* parameters on the frame's address, which
// embed.js copies from the embedding page's own address, and the host that
// referred the founder to the embedding page (its "ref" parameter, also
// from embed.js); without that, the host of the embedding page itself.
func (d *Drafts) FrameSource(r *http.Request) url.Values {
	a := LandingSource(r)
	if ref := hostName(r.URL.Query().Get(refField)); ref != "" {
		a.ReferrerHost = ref
	}
	fields := url.Values{}
	for _, in := range SourceInputs(a.Bounded()) {
		fields.Set(in.Name, in.Value)
	}
	return fields
}

// hostName is s when it reads as a host name (letters, digits, dots and
// dashes), lowercased; "" otherwise. A path, a query or a port is not a
// host name.
func hostName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 253 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9', ch == '.', ch == '-':
		default:
			return ""
		}
	}
	return s
}
