package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook posts each notice as signed JSON to one URL, per the Standard
// Webhooks scheme: headers webhook-id, webhook-timestamp and
// webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>").
type Webhook struct {
	url    string
	secret []byte // nil: unsigned
	client *http.Client
	now    func() time.Time
}

// NewWebhook makes the webhook channel. secret is FITCHECK_WEBHOOK_SECRET
// ("whsec_" + base64); empty sends unsigned requests.
func NewWebhook(url, secret string, client *http.Client, now func() time.Time) (*Webhook, error) {
	w := &Webhook{url: url, client: client, now: now}
	if secret != "" {
		key, err := ParseSecret(secret)
		if err != nil {
			return nil, err
		}
		w.secret = key
	}
	return w, nil
}

// Name is the channel's name in the deliveries list.
func (w *Webhook) Name() string { return "webhook" }

// ParseSecret decodes a Standard Webhooks secret: "whsec_" and the base64 of
// the key (the prefix is optional, as in the reference libraries).
func ParseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return nil, fmt.Errorf("webhook secret must be whsec_ followed by base64: %w", err)
	}
	if len(key) < 16 {
		return nil, errors.New("webhook secret is too short: use at least 16 random bytes")
	}
	return key, nil
}

// Sign is the webhook-signature header value for one message.
func Sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send posts the notice. Each attempt gets a fresh timestamp and signature
// and the same webhook-id, so a receiver can drop duplicates.
func (w *Webhook) Send(ctx context.Context, n *Notice) error {
	body, err := payloadJSON(n)
	if err != nil {
		return Permanent(fmt.Errorf("encode webhook payload: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook request to %s: %w", RedactURL(w.url), withoutURL(err)))
	}
	ts := w.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fitcheck-webhook/1")
	req.Header.Set("webhook-id", n.WebhookID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	if w.secret != nil {
		req.Header.Set("webhook-signature", Sign(w.secret, n.WebhookID, ts, body))
	}
	return postJSON(w.client, req)
}

// postJSON sends req and turns the answer into a delivery outcome: any 2xx
// is delivered; a network error, a timeout, 408, 429 or a 5xx is worth
// retrying; any other status will not change by trying again.
func postJSON(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", RedactURL(req.URL.String()), withoutURL(err))
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused, and keep a hint of why.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("post %s: %s %s", RedactURL(req.URL.String()), resp.Status, strings.TrimSpace(string(snippet)))
	if retryableStatus(resp.StatusCode) {
		return err
	}
	return Permanent(err)
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// permanentError is a failure that trying again will not fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying: the delivery fails at once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
