// Package notify delivers the online handling's notices (floorplan.Notice) outside the app: by e-mail
// through an SMTP server, and by a webhook to a messaging platform (the government's 政务即时通讯). Both
// are optional and off unless configured (FromEnv). A delivery never holds a register write up: the
// register hands notices over from a goroutine of its own (floorplan.Register.KeepNoticesSent).
package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"

	"officemap/floorplan"
)

// The settings FromEnv reads.
const (
	EnvSMTPAddr      = "OFFICEMAP_SMTP_ADDR"     // host:port of the SMTP server; unset: no e-mail
	EnvSMTPFrom      = "OFFICEMAP_SMTP_FROM"     // the sender address
	EnvSMTPUser      = "OFFICEMAP_SMTP_USER"     // optional: PLAIN authentication (over TLS, or to localhost)
	EnvSMTPPassword  = "OFFICEMAP_SMTP_PASSWORD" // with EnvSMTPUser
	EnvSMTPToPrefix  = "OFFICEMAP_SMTP_TO_"      // + ROLE (upper case): the addresses of that role, comma-separated
	EnvWebhook       = "OFFICEMAP_NOTICE_WEBHOOK"
	EnvWebhookSecret = "OFFICEMAP_NOTICE_WEBHOOK_SECRET" // optional: signs each request (SignatureHeader)
)

// FromEnv returns the notifiers the settings in getenv turn on (nil when none is), or an error naming the
// setting that is wrong. Accounts carry no e-mail address, so e-mail goes to an address list per role
// (OFFICEMAP_SMTP_TO_BUREAU_ADMIN, …), whatever the notice's agency; a role without a list gets no mail.
func FromEnv(getenv func(string) string) (floorplan.Notifier, error) {
	var all Multi
	if addr := strings.TrimSpace(getenv(EnvSMTPAddr)); addr != "" {
		m, err := smtpFromEnv(addr, getenv)
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	if raw := strings.TrimSpace(getenv(EnvWebhook)); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%s: %q is not an http(s) URL", EnvWebhook, raw)
		}
		all = append(all, &Webhook{URL: u.String(), Secret: getenv(EnvWebhookSecret)})
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// smtpFromEnv reads the SMTP settings of a server at addr.
func smtpFromEnv(addr string, getenv func(string) string) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("%s: %q is not host:port", EnvSMTPAddr, addr)
	}
	from := strings.TrimSpace(getenv(EnvSMTPFrom))
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("%s: %q is not an e-mail address (needed with %s)", EnvSMTPFrom, from, EnvSMTPAddr)
	}
	m := &SMTP{Addr: addr, From: from, User: getenv(EnvSMTPUser), Password: getenv(EnvSMTPPassword), To: map[string][]string{}}
	for _, role := range floorplan.ProcedureRoles {
		key := EnvSMTPToPrefix + strings.ToUpper(role)
		for _, a := range strings.Split(getenv(key), ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if _, err := mail.ParseAddress(a); err != nil {
				return nil, fmt.Errorf("%s: %q is not an e-mail address", key, a)
			}
			m.To[role] = append(m.To[role], a)
		}
	}
	return m, nil
}

// Multi hands a notice to each of its notifiers; the errors are joined.
type Multi []floorplan.Notifier

// Notify implements floorplan.Notifier.
func (m Multi) Notify(ctx context.Context, n floorplan.Notice) error {
	var errs []error
	for _, x := range m {
		errs = append(errs, x.Notify(ctx, n))
	}
	return errors.Join(errs...)
}
