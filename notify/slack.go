package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// Slack posts a short message to a Slack incoming webhook: the verdict, the
// company when consented, and the link to the review area.
type Slack struct {
	url    string
	client *http.Client
}

// NewSlack makes the Slack channel for an incoming-webhook URL.
func NewSlack(url string, client *http.Client) *Slack {
	return &Slack{url: url, client: client}
}

// Name is the channel's name in the deliveries list.
func (s *Slack) Name() string { return "slack" }

// Send posts the notice as {"text": …}, without link previews.
func (s *Slack) Send(ctx context.Context, n *Notice) error {
	body, err := json.Marshal(map[string]any{"text": slackText(n), "unfurl_links": false, "unfurl_media": false})
	if err != nil {
		return Permanent(fmt.Errorf("encode slack message: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("slack request to %s: %w", RedactURL(s.url), withoutURL(err)))
	}
	req.Header.Set("Content-Type", "application/json")
	return postJSON(s.client, req)
}

// slackEscape escapes what Slack reads as the start of a link, a mention or
// an entity (&, <, >), for the questionnaire's own words.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// slackWords makes words a visitor typed plain text in a Slack message: one
// line (CleanLine); &, < and > escaped, so they cannot write a link, a
// mention or a channel ping; and mrkdwn's markers (* _ ~ `) and the
// characters that make a bare link or address (. : @ /) replaced by
// look-alikes Slack reads as nothing special, so a company name can
// neither format the message nor become a link. Slack has no escape for
// these; a look-alike reads the same to the owner.
var slackWords = func() func(string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;",
		"*", "\u2217", "_", "\u02cd", "~", "\u223c", "`", "\u02cb",
		".", "\u2024", ":", "\ua789", "@", "\uff20", "/", "\u2215")
	return func(s string) string { return r.Replace(assessment.CleanLine(s)) }
}()

// slackText is the message: the verdict and why from the questionnaire
// (escaped), the company in the visitor's words (slackWords), and the link
// to the review area.
func slackText(n *Notice) string {
	esc := slackEscape
	if n.Type == assessment.EventPing {
		return "fitcheck test: notifications reach this channel. <" + n.AdminURL + "|Open the review area>"
	}
	var b strings.Builder
	what := "New fitcheck result"
	if n.Message != nil {
		what = "New message on a fitcheck result"
	}
	fmt.Fprintf(&b, "%s: *%s*", what, esc(n.Headline))
	if c := n.Company(); c != "" {
		fmt.Fprintf(&b, " — %s", slackWords(c))
	}
	fmt.Fprintf(&b, " (%s)\n%s\n<%s|Open in the review area>", n.Outcome, esc(n.Reason), n.AdminURL)
	return b.String()
}
