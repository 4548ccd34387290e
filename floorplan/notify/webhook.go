package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// SignatureHeader carries the webhook's signature: "sha256=" and the hex HMAC-SHA256 of the request body
// with the shared secret (OFFICEMAP_NOTICE_WEBHOOK_SECRET); absent without a secret.
const SignatureHeader = "X-Officemap-Signature"

// webhookTimeout bounds one attempt of a webhook delivery.
const webhookTimeout = 5 * time.Second

// Webhook posts each notice as JSON (WebhookBody) to URL, within 5 s, once more after a failure of the
// network or of the server (5xx, 429); signed when Secret is set.
type Webhook struct {
	URL    string
	Secret string
	// Client sends the requests; nil: a client of its own.
	Client *http.Client
}

// WebhookBody is what a webhook receives: no personal data beyond the title.
type WebhookBody struct {
	Kind          string    `json:"kind"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	ApplicationID uuid.UUID `json:"application_id"`
	Role          string    `json:"role,omitempty"`
	AgencyID      uuid.UUID `json:"agency_id,omitzero"`
	At            time.Time `json:"at"`
}

// Sign returns the signature header's value of body with secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Notify implements floorplan.Notifier.
func (w *Webhook) Notify(ctx context.Context, n floorplan.Notice) error {
	body, err := json.Marshal(WebhookBody{Kind: n.Kind, Title: n.Title, Body: n.Body, ApplicationID: n.ApplicationID,
		Role: n.Role, AgencyID: n.AgencyID, At: n.CreatedAt})
	if err != nil {
		return err
	}
	var retry bool
	for attempt := 0; attempt < 2; attempt++ {
		if retry, err = w.post(ctx, body); err == nil || !retry {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return err
}

// post sends body once; it says whether a failure may pass on a second try.
func (w *Webhook) post(ctx context.Context, body []byte) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("notify: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if w.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	res, err := client.Do(req)
	if err != nil {
		return true, fmt.Errorf("notify: webhook: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return false, nil
	}
	return res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests,
		fmt.Errorf("notify: webhook answered %s", res.Status)
}
