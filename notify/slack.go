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

// Send posts the notice as {"text": …}.
func (s *Slack) Send(ctx context.Context, n *Notice) error {
	body, err := json.Marshal(map[string]string{"text": slackText(n)})
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

// slackText escapes what Slack's mrkdwn reads as markup (&, <, >) in words
// that come from a visitor, so a company name cannot inject a link.
func slackText(n *Notice) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
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
		fmt.Fprintf(&b, " — %s", esc(c))
	}
	fmt.Fprintf(&b, " (%s)\n%s\n<%s|Open in the review area>", n.Outcome, esc(n.Reason), n.AdminURL)
	return b.String()
}
