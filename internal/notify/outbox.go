// Package notify queues email in the outbox table, in the caller's transaction, and sends it
// by SMTP. Writing mail with the change that causes it means a rolled-back change sends
// nothing and a crash after commit loses nothing.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Message is one email to one person.
type Message struct {
	To      string
	Subject string
	Body    string // plain text
	Kind    string // what caused it, e.g. "password_reset"; used in the outbox page and reports
}

// Enqueue writes m to the outbox inside the caller's transaction.
func Enqueue(ctx context.Context, q sqlx.ExecerContext, m Message) error {
	_, err := q.ExecContext(ctx,
		`INSERT INTO outbox (to_address, subject, body, kind) VALUES ($1, $2, $3, $4)`,
		m.To, m.Subject, m.Body, m.Kind)
	if err != nil {
		return fmt.Errorf("enqueue %s mail: %w", m.Kind, err)
	}
	return nil
}

// EnqueueBatch writes the messages to the outbox inside the caller's transaction, in one
// statement, in order: Enqueue for callers that mail many people at once (inviting every
// imported supplier's key contact), where a statement per message would be most of the work.
func EnqueueBatch(ctx context.Context, q sqlx.ExecerContext, ms []Message) error {
	if len(ms) == 0 {
		return nil
	}
	to, subject, body, kind := make([]string, len(ms)), make([]string, len(ms)), make([]string, len(ms)), make([]string, len(ms))
	for i, m := range ms {
		to[i], subject[i], body[i], kind[i] = m.To, m.Subject, m.Body, m.Kind
	}
	_, err := q.ExecContext(ctx, `INSERT INTO outbox (to_address, subject, body, kind)
		SELECT u.to_address, u.subject, u.body, u.kind
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(to_address, subject, body, kind, n)
		ORDER BY u.n`,
		pq.StringArray(to), pq.StringArray(subject), pq.StringArray(body), pq.StringArray(kind))
	if err != nil {
		return fmt.Errorf("enqueue %d %s mails: %w", len(ms), ms[0].Kind, err)
	}
	return nil
}

// OutboxEntry is a queued or sent message, as listed for administrators.
type OutboxEntry struct {
	ID        string     `db:"id"`
	To        string     `db:"to_address"`
	Subject   string     `db:"subject"`
	Body      string     `db:"body"`
	Kind      string     `db:"kind"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	Attempts  int        `db:"attempts"`
	LastError *string    `db:"last_error"`
}

// Recent lists the newest outbox entries, optionally only those to one address.
func Recent(ctx context.Context, q sqlx.QueryerContext, to string, limit, offset int) ([]OutboxEntry, int, error) {
	var rows []struct {
		OutboxEntry
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT id, to_address, subject, body, kind, created_at, sent_at, attempts, last_error,
		       COUNT(*) OVER () AS total
		FROM outbox
		WHERE ($1 = '' OR to_address = $1::citext)
		ORDER BY created_at DESC, id
		LIMIT $2 OFFSET $3`, to, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	out := make([]OutboxEntry, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.OutboxEntry, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT COUNT(*) FROM outbox WHERE ($1 = '' OR to_address = $1::citext)`, to)
	}
	return out, total, err
}
