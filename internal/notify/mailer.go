package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// Mailer sends queued mail. Without an SMTP URL it leaves mail in the outbox, where the
// development outbox page shows it.
type Mailer struct {
	DB     *sqlx.DB
	SMTP   *url.URL // smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465
	From   string
	Log    *slog.Logger
	Dialer func(ctx context.Context, network, addr string) (net.Conn, error)
}

// maxAttempts bounds retries of a message that keeps failing, so it stops clogging the queue;
// it stays in the outbox with its last error for an administrator to see.
const maxAttempts = 10

// SendPending sends up to limit due messages and returns how many were sent. Rows are
// claimed with FOR UPDATE SKIP LOCKED, so several instances never send one message twice.
func (m *Mailer) SendPending(ctx context.Context, limit int) (int, error) {
	if m.SMTP == nil {
		return 0, nil
	}
	sent := 0
	for i := 0; i < limit; i++ {
		claimed, delivered, err := m.sendOne(ctx)
		if err != nil {
			return sent, err
		}
		if !claimed {
			break
		}
		if delivered {
			sent++
		}
	}
	return sent, nil
}

// sendOne claims one due message and tries to deliver it; claimed is false when none is due.
func (m *Mailer) sendOne(ctx context.Context) (claimed, delivered bool, err error) {
	tx, err := m.DB.BeginTxx(ctx, nil)
	if err != nil {
		return false, false, fmt.Errorf("send mail: %w", err)
	}
	defer tx.Rollback()
	var e OutboxEntry
	err = tx.GetContext(ctx, &e, `
		SELECT id, to_address, subject, body, kind, created_at, sent_at, attempts, last_error
		FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= now() AND attempts < $1
		ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`, maxAttempts)
	if err != nil {
		if db.IsNoRows(err) {
			return false, false, nil
		}
		return false, false, fmt.Errorf("claim mail: %w", err)
	}
	sendErr := m.deliver(ctx, e)
	if sendErr != nil {
		backoff := time.Duration(1<<min(e.Attempts, 8)) * time.Minute
		m.Log.Warn("mail not sent", "outbox_id", e.ID, "kind", e.Kind, "error", sendErr)
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2,
			next_attempt_at = now() + $3 * interval '1 second' WHERE id = $1`, e.ID, sendErr.Error(), backoff.Seconds())
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE id = $1`, e.ID)
	}
	if err != nil {
		return true, false, fmt.Errorf("record mail result: %w", err)
	}
	return true, sendErr == nil, tx.Commit()
}

func (m *Mailer) deliver(ctx context.Context, e OutboxEntry) error {
	host := m.SMTP.Hostname()
	port := m.SMTP.Port()
	if port == "" {
		port = map[string]string{"smtps": "465"}[m.SMTP.Scheme]
		if port == "" {
			port = "587"
		}
	}
	dial := m.Dialer
	if dial == nil {
		dial = (&net.Dialer{Timeout: 15 * time.Second}).DialContext
	}
	conn, err := dial(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return err
	}
	if m.SMTP.Scheme == "smtps" {
		conn = tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && m.SMTP.Scheme == "smtp" {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if u := m.SMTP.User; u != nil {
		pw, _ := u.Password()
		if err := c.Auth(smtp.PlainAuth("", u.Username(), pw, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	if err := c.Rcpt(e.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(Format(m.From, e.To, e.Subject, e.Body, e.ID)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Format renders a plain-text RFC 5322 message. Header values are encoded so a subject can
// never inject another header.
func Format(from, to, subject, body, id string) []byte {
	clean := func(s string) string { return strings.NewReplacer("\r", "", "\n", " ").Replace(s) }
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", clean(from))
	fmt.Fprintf(&b, "To: %s\r\n", clean(to))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", clean(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@provider-portal>\r\n", clean(id))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}
