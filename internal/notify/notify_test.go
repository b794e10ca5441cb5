package notify_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const from = "provider-portal@example.gov.uk"

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type outboxRow struct {
	ID          string     `db:"id"`
	To          string     `db:"to_address"`
	SentAt      *time.Time `db:"sent_at"`
	Attempts    int        `db:"attempts"`
	LastError   *string    `db:"last_error"`
	NextAttempt time.Time  `db:"next_attempt_at"`
	RetryLater  bool       `db:"retry_later"`
}

func outbox(t *testing.T, d *sqlx.DB) []outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := d.Select(&rows, `SELECT id, to_address, sent_at, attempts, last_error, next_attempt_at,
		next_attempt_at > now() AS retry_later FROM outbox ORDER BY created_at, id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

func enqueue(t *testing.T, d *sqlx.DB, m notify.Message) {
	t.Helper()
	if err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		return notify.Enqueue(context.Background(), tx, m)
	}); err != nil {
		t.Fatal(err)
	}
}

func mailer(t *testing.T, d *sqlx.DB, smtpURL string) *notify.Mailer {
	t.Helper()
	u, err := url.Parse(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	return &notify.Mailer{DB: d, SMTP: u, From: from, Log: discardLog()}
}

func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	errStop := errors.New("the change failed")
	msg := notify.Message{To: "rolled-back@example.com", Subject: "S", Body: "B", Kind: "password_reset"}

	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		if err := notify.Enqueue(ctx, tx, msg); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Transact = %v, want %v", err, errStop)
	}
	if rows := outbox(t, d); len(rows) != 0 {
		t.Fatalf("outbox after rollback = %+v, want empty", rows)
	}

	msg.To = "committed@example.com"
	enqueue(t, d, msg)
	rows := outbox(t, d)
	if len(rows) != 1 || rows[0].To != msg.To || rows[0].SentAt != nil || rows[0].Attempts != 0 {
		t.Fatalf("outbox after commit = %+v, want one unsent message to %s", rows, msg.To)
	}
}

func TestSendPendingDelivers(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	srv := startSMTP(t, "")
	msg := notify.Message{
		To:      "manager@provider.example.com",
		Subject: "Your registration — next steps",
		Body:    "Dear manager,\n\nPlease sign in.\n.\nA line that is only a dot must survive.",
		Kind:    "registration",
	}
	enqueue(t, d, msg)

	sent, err := mailer(t, d, srv.URL()).SendPending(context.Background(), 10)
	if err != nil || sent != 1 {
		t.Fatalf("SendPending = %d, %v; want 1 sent", sent, err)
	}
	rows := outbox(t, d)
	if len(rows) != 1 || rows[0].SentAt == nil || rows[0].Attempts != 1 || rows[0].LastError != nil {
		t.Fatalf("outbox = %+v, want the message sent after one attempt", rows)
	}

	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got[0].From != from || !slices.Equal(got[0].To, []string{msg.To}) {
		t.Errorf("envelope from %q to %v, want %q to %q", got[0].From, got[0].To, from, msg.To)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(got[0].Data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, got[0].Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil || subject != msg.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, msg.Subject)
	}
	if to := parsed.Header.Get("To"); to != msg.To {
		t.Errorf("To = %q, want %q", to, msg.To)
	}
	if id := parsed.Header.Get("Message-ID"); !strings.Contains(id, rows[0].ID) {
		t.Errorf("Message-ID = %q, want it to carry the outbox id %s", id, rows[0].ID)
	}
	// Format ends the body with a line break; the server hands it over with LF endings.
	body, _ := io.ReadAll(parsed.Body)
	if string(body) != msg.Body+"\n" {
		t.Errorf("body = %q, want %q", body, msg.Body+"\n")
	}

	// Sent mail is not sent again.
	if sent, err := mailer(t, d, srv.URL()).SendPending(context.Background(), 10); sent != 0 || err != nil {
		t.Errorf("second SendPending = %d, %v; want nothing to send", sent, err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("server received %d messages after the second run, want still 1", n)
	}
}

func TestSendPendingRespectsTheLimit(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	srv := startSMTP(t, "")
	for _, to := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		enqueue(t, d, notify.Message{To: to, Subject: "s", Body: "b", Kind: "test"})
	}
	m := mailer(t, d, srv.URL())
	if sent, err := m.SendPending(context.Background(), 2); sent != 2 || err != nil {
		t.Fatalf("SendPending(limit 2) = %d, %v; want 2", sent, err)
	}
	if sent, err := m.SendPending(context.Background(), 2); sent != 1 || err != nil {
		t.Fatalf("SendPending again = %d, %v; want the last 1", sent, err)
	}
	var to []string
	for _, r := range srv.Received() {
		to = append(to, r.To...)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"a@example.com", "b@example.com", "c@example.com"}) {
		t.Errorf("server received mail to %v, want each address once", to)
	}
}

func TestRejectedRecipientIsRetriedLater(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	srv := startSMTP(t, "550 5.1.1 mailbox unavailable")
	enqueue(t, d, notify.Message{To: "gone@example.com", Subject: "s", Body: "b", Kind: "test"})
	m := mailer(t, d, srv.URL())

	if _, err := m.SendPending(context.Background(), 10); err != nil {
		t.Fatalf("SendPending: %v (a refused message is recorded, not returned)", err)
	}
	rows := outbox(t, d)
	if len(rows) != 1 {
		t.Fatalf("outbox = %+v", rows)
	}
	r := rows[0]
	if r.SentAt != nil || r.Attempts != 1 || r.LastError == nil || !strings.Contains(*r.LastError, "550") || !r.RetryLater {
		t.Fatalf("after a refused recipient: %+v (last_error %v), want unsent, 1 attempt, the 550 reply kept, retry later", r, deref(r.LastError))
	}
	if n := len(srv.Received()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}

	// Backing off: an immediate second run leaves it alone.
	if _, err := m.SendPending(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if r := outbox(t, d)[0]; r.Attempts != 1 {
		t.Errorf("attempts after an immediate second run = %d, want still 1 (backing off)", r.Attempts)
	}
}

func TestUnreachableServerIsRecorded(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	enqueue(t, d, notify.Message{To: "someone@example.com", Subject: "s", Body: "b", Kind: "test"})
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	if _, err := mailer(t, d, "smtp://127.0.0.1:1").SendPending(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	r := outbox(t, d)[0]
	if r.SentAt != nil || r.Attempts != 1 || r.LastError == nil || !r.RetryLater {
		t.Errorf("after a refused connection: %+v, want unsent with the error recorded", r)
	}
}

func TestWithoutSMTPMailStaysInTheOutbox(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	enqueue(t, d, notify.Message{To: "someone@example.com", Subject: "s", Body: "b", Kind: "test"})
	m := &notify.Mailer{DB: d, From: from, Log: discardLog()}
	if sent, err := m.SendPending(context.Background(), 10); sent != 0 || err != nil {
		t.Fatalf("SendPending without SMTP = %d, %v; want 0, nil", sent, err)
	}
	if r := outbox(t, d)[0]; r.SentAt != nil || r.Attempts != 0 {
		t.Errorf("outbox row = %+v, want untouched", r)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestFormatCannotBeMadeToInjectHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		from, to, subject, id string
	}{
		{"CRLF in subject", from, "a@example.com", "Hello\r\nBcc: victim@example.com", "1"},
		{"LF in subject", from, "a@example.com", "Hello\nBcc: victim@example.com", "2"},
		{"CR in subject", from, "a@example.com", "Hello\rBcc: victim@example.com", "3"},
		{"blank line in subject starts no body", from, "a@example.com", "Hello\r\n\r\nBcc: victim@example.com", "4"},
		{"CRLF in recipient", from, "a@example.com\r\nBcc: victim@example.com", "s", "5"},
		{"CRLF in sender", from + "\r\nBcc: victim@example.com", "a@example.com", "s", "6"},
		{"CRLF in id", from, "a@example.com", "s", "7>\r\nBcc: victim@example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := string(notify.Format(tc.from, tc.to, tc.subject, "body", tc.id))
			head, body, ok := strings.Cut(raw, "\r\n\r\n")
			if !ok || body != "body\r\n" {
				t.Fatalf("message does not split into headers and body %q:\n%s", "body", raw)
			}
			var names []string
			for _, line := range strings.Split(head, "\r\n") {
				if strings.ContainsAny(line, "\r\n") {
					t.Errorf("header line %q holds a bare CR or LF", line)
				}
				if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
					continue // a folded continuation of the previous header
				}
				name, _, _ := strings.Cut(line, ":")
				names = append(names, name)
			}
			want := []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
			if !slices.Equal(names, want) {
				t.Errorf("headers = %v, want exactly %v", names, want)
			}
			msg, err := mail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if bcc := msg.Header.Get("Bcc"); bcc != "" {
				t.Errorf("a Bcc header was injected: %q", bcc)
			}
		})
	}
}

func TestFormatBody(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"LF line endings become CRLF", "one\ntwo\n", "one\r\ntwo\r\n\r\n"},
		{"CRLF stays CRLF", "one\r\ntwo", "one\r\ntwo\r\n"},
		{"unicode is sent as UTF-8", "Café £5", "Café £5\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := string(notify.Format(from, "a@example.com", "s", tc.body, "id"))
			_, body, _ := strings.Cut(raw, "\r\n\r\n")
			if body != tc.want {
				t.Errorf("body = %q, want %q", body, tc.want)
			}
			if !strings.Contains(raw, "Content-Type: text/plain; charset=utf-8\r\n") {
				t.Error("no plain-text UTF-8 content type")
			}
		})
	}
}

func TestFormatEncodesANonASCIISubject(t *testing.T) {
	t.Parallel()
	const subject = "Réglement — £500 due"
	msg, err := mail.ReadMessage(strings.NewReader(string(notify.Format(from, "a@example.com", subject, "b", "id"))))
	if err != nil {
		t.Fatal(err)
	}
	rawSubject := msg.Header.Get("Subject")
	if !strings.HasPrefix(rawSubject, "=?utf-8?q?") {
		t.Errorf("Subject header %q is not RFC 2047 encoded", rawSubject)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(rawSubject); err != nil || got != subject {
		t.Errorf("decoded Subject = %q (%v), want %q", got, err, subject)
	}
}

func TestRecent(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	// Distinct creation times, newest last, so the expected order is known.
	var all []string
	for i, to := range []string{"a@example.com", "b@example.com", "a@example.com", "a@example.com", "b@example.com", "a@example.com", "a@example.com"} {
		var id string
		if err := d.Get(&id, `INSERT INTO outbox (to_address, subject, body, kind, created_at)
			VALUES ($1, $2, 'body', 'test', now() - make_interval(mins => $3)) RETURNING id`, to, "message "+string(rune('0'+i)), 100-i); err != nil {
			t.Fatal(err)
		}
		all = append([]string{id}, all...) // newest first
	}
	var toA []string
	for _, id := range all {
		var to string
		if err := d.Get(&to, `SELECT to_address FROM outbox WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		if to == "a@example.com" {
			toA = append(toA, id)
		}
	}

	tests := []struct {
		name          string
		to            string
		limit, offset int
		want          []string
		wantTotal     int
	}{
		{"first page", "", 3, 0, all[0:3], 7},
		{"second page", "", 3, 3, all[3:6], 7},
		{"last, partial page", "", 3, 6, all[6:7], 7},
		{"past the end still counts", "", 3, 9, nil, 7},
		{"filtered", "a@example.com", 10, 0, toA, 5},
		{"filter ignores case", "A@Example.COM", 2, 0, toA[:2], 5},
		{"filtered second page", "a@example.com", 2, 2, toA[2:4], 5},
		{"filtered past the end", "a@example.com", 2, 6, nil, 5},
		{"no match", "nobody@example.com", 10, 0, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := notify.Recent(ctx, d, tc.to, tc.limit, tc.offset)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tc.want) || total != tc.wantTotal {
				t.Errorf("Recent(%q, %d, %d) = %v total %d, want %v total %d", tc.to, tc.limit, tc.offset, ids, total, tc.want, tc.wantTotal)
			}
		})
	}
}
