package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// smtpTimeout bounds one delivery by e-mail, from dialling to QUIT.
const smtpTimeout = 30 * time.Second

// SMTP mails each notice to the addresses of its role (To), through the server at Addr: STARTTLS when the
// server offers it, PLAIN authentication when User is set (net/smtp allows it over TLS or to localhost
// only). A notice to a role without addresses, or to one user, is not mailed: accounts have no e-mail.
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
	To       map[string][]string // role → addresses
	// TLS configures STARTTLS; nil: the server's host name, the system's roots.
	TLS *tls.Config
}

// Notify implements floorplan.Notifier.
func (m *SMTP) Notify(ctx context.Context, n floorplan.Notice) error {
	to := m.To[n.Role]
	if len(to) == 0 || n.UserID != uuid.Nil {
		return nil
	}
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp address %q: %w", m.Addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, smtpTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	defer c.Close()
	if err := m.send(c, host, to, message(m.From, to, n)); err != nil {
		return fmt.Errorf("notify: smtp %s: %w", m.Addr, err)
	}
	return c.Quit()
}

// send runs the dialogue of one mail on c.
func (m *SMTP) send(c *smtp.Client, host string, to []string, msg []byte) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := m.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if m.User != "" {
		if err := c.Auth(smtp.PlainAuth("", m.User, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close()
}

// message is the mail of n: its title as the subject, its body and the application's id as UTF-8 text.
func message(from string, to []string, n floorplan.Notice) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", strings.Join(to, ", "))
	header("Subject", mime.BEncoding.Encode("utf-8", n.Title))
	header("Date", n.CreatedAt.Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	text := base64.StdEncoding.EncodeToString([]byte(n.Body + "\r\n\r\n申请 application: " + n.ApplicationID.String() + "\r\n"))
	for len(text) > 76 {
		b.WriteString(text[:76] + "\r\n")
		text = text[76:]
	}
	b.WriteString(text + "\r\n")
	return b.Bytes()
}
