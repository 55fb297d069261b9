package visitor

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// Where founders came from: the first-touch utm_* parameters of the link
// that brought them to the landing page, and the host (never the path) of
// the page that linked to it. Nothing else about the visitor is kept. The
// landing page carries them into the Start form; Start keeps them in the
// session until the draft is stored with its first answers (drafts.go),
// and the submit carries them into the assessment (data.SubmitDraft).

// refField carries the referring host into the Start form.
const refField = "ref"

// LandingSource reads the landing page's request: its utm_* parameters,
// and the host of another site that linked to it.
func LandingSource(r *http.Request) assessment.Attribution {
	q := r.URL.Query()
	a := assessment.Attribution{
		UTMSource: q.Get("utm_source"), UTMMedium: q.Get("utm_medium"), UTMCampaign: q.Get("utm_campaign"),
		UTMTerm: q.Get("utm_term"), UTMContent: q.Get("utm_content"),
		ReferrerHost: referrerHost(r),
	}
	return a.Bounded()
}

// referrerHost is the host of the page that linked here, when it is another
// site's; "" for none, for an unreadable one and for our own pages.
func referrerHost(r *http.Request) string {
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Host == "" || (ref.Scheme != "http" && ref.Scheme != "https") {
		return ""
	}
	host := strings.ToLower(ref.Hostname())
	if own := strings.ToLower(r.Host); host == own || strings.HasPrefix(own, host+":") {
		return ""
	}
	return host
}

// SourceInputs are a's fields as the Start form's hidden inputs.
func SourceInputs(a assessment.Attribution) []HiddenInput {
	var out []HiddenInput
	for _, f := range []HiddenInput{
		{"utm_source", a.UTMSource}, {"utm_medium", a.UTMMedium}, {"utm_campaign", a.UTMCampaign},
		{"utm_term", a.UTMTerm}, {"utm_content", a.UTMContent}, {refField, a.ReferrerHost},
	} {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// HiddenInput is one hidden form field.
type HiddenInput struct {
	Name  string
	Value string
}

// postedSource reads the Start form's attribution fields.
func postedSource(r *http.Request) assessment.Attribution {
	f := r.PostForm
	return assessment.Attribution{
		UTMSource: f.Get("utm_source"), UTMMedium: f.Get("utm_medium"), UTMCampaign: f.Get("utm_campaign"),
		UTMTerm: f.Get("utm_term"), UTMContent: f.Get("utm_content"), ReferrerHost: f.Get(refField),
	}.Bounded()
}

// sourceKey holds a draft's attribution in the session until the draft is
// stored. Only visitors who came by a tagged or referring link carry it,
// and only until their first answers are saved.
const sourceKey = "src"

func keepSource(values map[any]any, a assessment.Attribution) {
	if a.IsZero() {
		return
	}
	if b, err := json.Marshal(a); err == nil {
		values[sourceKey] = string(b)
	}
}

func sourceOf(values map[any]any) assessment.Attribution {
	var a assessment.Attribution
	if s, ok := values[sourceKey].(string); ok {
		json.Unmarshal([]byte(s), &a)
	}
	return a.Bounded()
}
