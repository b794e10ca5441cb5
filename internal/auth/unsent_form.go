package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// UnsentFormLifetime is how long a form sent after its session timed out is kept for its
// owner to sign in again and check it. Short: it holds what they typed, perhaps bank details.
const UnsentFormLifetime = time.Hour

// maxUnsentFormBytes bounds what one kept form may hold (its values as JSON); a larger form
// is not kept, and the person sees the plain "signed out" answer.
const maxUnsentFormBytes = 256 << 10

// UnsentForm is a form sent after its session had timed out, kept for the same person. Its
// values were never applied: the page they belong to shows them for the person to send again.
type UnsentForm struct {
	ID     string `db:"id"`
	UserID string `db:"user_id"`
	Method string `db:"method"`
	// Path is where the form was sent; FormPath is the page that showed the form.
	Path      string    `db:"path"`
	FormPath  string    `db:"form_path"`
	Sealed    string    `db:"values_sealed"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
	// Values are the kept fields, opened; see KeepUnsentForm for what is never kept.
	Values map[string][]string `db:"-"`
}

// Get returns the values sent for a field, in the shape form.Decode reads.
func (f *UnsentForm) Get(name string) []string { return f.Values[name] }

// TimedOutSession is what is known of a signed-in session found past its idle or absolute
// timeout (it is deleted as it is found): whose it was, and the CSRF token its forms carried.
type TimedOutSession struct {
	TokenHash []byte
	UserID    string
	CSRFToken string
}

// SessionTimedOutError is SessionByToken's answer for a signed-in session that has just
// timed out. It is an ErrNoSession (apperr.NotFound) to every caller that only asks whether
// there is a session, and tells one that asks whose session ended.
type SessionTimedOutError struct{ Session TimedOutSession }

func (e *SessionTimedOutError) Error() string { return ErrNoSession.Error() + " (timed out)" }

// Unwrap makes it an ErrNoSession to apperr.Is and errors.Is.
func (e *SessionTimedOutError) Unwrap() error { return ErrNoSession }

// EndedSessionMemory is how long a signed-in session that timed out is remembered, by the
// hash of its CSRF token, so a form sent from one of its pages is still known to be its
// owner's (a page left open over lunch, or overnight in a working day's last hours).
const EndedSessionMemory = 12 * time.Hour

// rememberTimedOut completes a "WITH gone AS (DELETE FROM sessions ... RETURNING token_hash,
// user_id, stage, csrf_token)": it remembers the signed-in ones among the deleted sessions.
// Only timeouts use it: a session ended on purpose is not remembered.
const rememberTimedOut = `INSERT INTO ended_sessions (csrf_hash, token_hash, user_id)
	SELECT sha256(convert_to(csrf_token, 'UTF8')), token_hash, user_id FROM gone
	WHERE stage = 'full' AND user_id IS NOT NULL
	ON CONFLICT (csrf_hash) DO NOTHING`

// TimedOutSessionByCSRF finds the signed-in session, timed out within EndedSessionMemory,
// whose pages carried the CSRF token sent; apperr.NotFound when there is none. It serves forms
// sent after the session row has gone, or from a tab while another tab has signed in again.
func TimedOutSessionByCSRF(ctx context.Context, q sqlx.QueryerContext, sent string) (TimedOutSession, error) {
	var row struct {
		TokenHash []byte `db:"token_hash"`
		UserID    string `db:"user_id"`
	}
	if sent == "" || len(sent) > 100 {
		return TimedOutSession{}, ErrNoSession
	}
	h := sha256.Sum256([]byte(sent))
	err := sqlx.GetContext(ctx, q, &row, `SELECT token_hash, user_id FROM ended_sessions
		WHERE csrf_hash = $1 AND ended_at > now() - $2 * interval '1 second'`, h[:], EndedSessionMemory.Seconds())
	if db.IsNoRows(err) {
		return TimedOutSession{}, ErrNoSession
	}
	if err != nil {
		return TimedOutSession{}, fmt.Errorf("timed-out session: %w", err)
	}
	return TimedOutSession{TokenHash: row.TokenHash, UserID: row.UserID, CSRFToken: sent}, nil
}

// keptField reports whether a sent field may be kept: never the CSRF token, passwords,
// one-time codes or secrets of the sign-in itself. Files are never offered (only text values).
func keptField(name string) bool {
	n := strings.ToLower(name)
	switch {
	case n == "_csrf", n == "code", n == "totp", n == "otp",
		strings.Contains(n, "password"), strings.Contains(n, "secret"), strings.Contains(n, "token"):
		return false
	}
	return true
}

func unsentFormRow(userID, path string) string { return vault.Row("unsent_forms", userID, path) }

// KeepUnsentForm keeps values sent to path after the session ended timed out, for its owner
// only, for UnsentFormLifetime. The sent CSRF token must be the ended session's own, so only
// a form that session showed is kept (never one planted by another site). Passwords, codes and
// tokens are dropped; the rest is sealed with the data key, bound to the owner and path, so
// bank details typed into a form are never stored in clear. It deletes expired forms first.
func (s *Service) KeepUnsentForm(ctx context.Context, ended TimedOutSession, sentCSRF, method, path, formPath string, values map[string][]string) (*UnsentForm, error) {
	if ended.UserID == "" || sentCSRF == "" || subtle.ConstantTimeCompare([]byte(sentCSRF), []byte(ended.CSRFToken)) != 1 {
		return nil, apperr.New(apperr.Forbidden, "This form was not sent from a page of the session that ended")
	}
	kept := map[string][]string{}
	for name, vs := range values {
		if keptField(name) {
			kept[name] = vs
		}
	}
	raw, err := json.Marshal(kept)
	if err != nil {
		return nil, fmt.Errorf("keep unsent form: %w", err)
	}
	if len(raw) > maxUnsentFormBytes || len(path) > 500 || len(formPath) > 500 {
		return nil, apperr.New(apperr.Invalid, "This form is too large to keep")
	}
	sealed, err := s.Vault.Seal(string(raw), unsentFormRow(ended.UserID, path))
	if err != nil {
		return nil, fmt.Errorf("keep unsent form: %w", err)
	}
	now := s.now()
	f := &UnsentForm{Values: kept}
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := DeleteExpiredUnsentForms(ctx, tx, now); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, f, `INSERT INTO unsent_forms (user_id, session_hash, method, path, form_path, values_sealed, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING id, user_id, method, path, form_path, values_sealed, created_at, expires_at`,
			ended.UserID, ended.TokenHash, method, path, formPath, sealed, now, now.Add(UnsentFormLifetime)); err != nil {
			return fmt.Errorf("keep unsent form: %w", err)
		}
		// What was typed stays out of the audit trail; that it was kept, and where, goes in.
		return audit.Record(ctx, tx, audit.Event{Action: "user.unsent_form.kept", ObjectType: "user", ObjectID: ended.UserID,
			Summary: map[string]any{"path": path, "fields": len(kept)}})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// UnsentFormFor returns userID's kept form id, opened, or apperr.NotFound when there is no
// such form of theirs (another person's, expired or already taken look the same).
func (s *Service) UnsentFormFor(ctx context.Context, userID, id string) (*UnsentForm, error) {
	return s.unsentForm(ctx, s.DB, `SELECT id, user_id, method, path, form_path, values_sealed, created_at, expires_at
		FROM unsent_forms WHERE id::text = $1 AND user_id = $2 AND expires_at > $3`, id, userID)
}

// TakeUnsentForm returns userID's kept form id, opened, and deletes it: once it is back in
// front of them, the copy here has done its job. apperr.NotFound as UnsentFormFor.
func (s *Service) TakeUnsentForm(ctx context.Context, userID, id string) (*UnsentForm, error) {
	return s.unsentForm(ctx, s.DB, `DELETE FROM unsent_forms WHERE id::text = $1 AND user_id = $2 AND expires_at > $3
		RETURNING id, user_id, method, path, form_path, values_sealed, created_at, expires_at`, id, userID)
}

// DiscardUnsentForm deletes userID's kept form id, when they have no more use for it;
// apperr.NotFound when they have no such form.
func (s *Service) DiscardUnsentForm(ctx context.Context, userID, id string) error {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM unsent_forms WHERE id::text = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("discard unsent form: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "What you typed is no longer kept")
	}
	return nil
}

func (s *Service) unsentForm(ctx context.Context, q sqlx.QueryerContext, query, id, userID string) (*UnsentForm, error) {
	notFound := apperr.New(apperr.NotFound, "What you typed is no longer kept: it is deleted an hour after you were signed out")
	if len(id) > 40 || userID == "" {
		return nil, notFound
	}
	var f UnsentForm
	err := sqlx.GetContext(ctx, q, &f, query, id, userID, s.now())
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("unsent form: %w", err)
	}
	raw, err := s.Vault.Open(f.Sealed, unsentFormRow(f.UserID, f.Path))
	if err != nil {
		return nil, fmt.Errorf("open unsent form: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &f.Values); err != nil {
		return nil, fmt.Errorf("open unsent form: %w", err)
	}
	f.Sealed = ""
	return &f, nil
}

// DeleteExpiredUnsentForms deletes the kept forms past their lifetime; the session-expiry job,
// every newly kept form and retention's sign-in records purge call it.
func DeleteExpiredUnsentForms(ctx context.Context, q sqlx.ExecerContext, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM unsent_forms WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("delete expired unsent forms: %w", err)
	}
	return res.RowsAffected()
}
