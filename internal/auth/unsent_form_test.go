package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
)

// timedOut signs u in, lets the session pass its idle timeout, and returns what
// SessionByToken says of it then.
func timedOut(t *testing.T, s *Service, u *User) TimedOutSession {
	t.Helper()
	ctx := systemCtx()
	token, sess, err := NewSession(ctx, s.DB, u.ID, StageFull, "", testTimeouts, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1`, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	_, err = SessionByToken(ctx, s.DB, token, testTimeouts)
	var ended *SessionTimedOutError
	if !errors.As(err, &ended) || !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a timed-out session answered %v, want a SessionTimedOutError that is a NotFound", err)
	}
	if ended.Session.UserID != u.ID || ended.Session.CSRFToken != sess.CSRFToken {
		t.Fatalf("timed out session %+v, want user %s and its CSRF token", ended.Session, u.ID)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM sessions WHERE token_hash = $1`, sess.TokenHash); n != 0 {
		t.Fatal("the timed-out session is still stored")
	}
	return ended.Session
}

func TestUnsentFormKeptForItsOwnerOnly(t *testing.T) {
	s := newService(t)
	ctx := systemCtx()
	owner := mustCreate(t, s, "owner@example.org", RoleProvider)
	other := mustCreate(t, s, "other@example.org", RoleProvider)
	ended := timedOut(t, s, owner)

	sent := map[string][]string{
		"_csrf": {ended.CSRFToken}, "account_name": {"Acme Care"}, "account_number": {"31926819"},
		"sort_code": {"601613"}, "password": {"hunter2 hunter2"}, "new_password": {"x"}, "code": {"123456"},
		"staff-0-name": {"Ann", "Bea"}, "version": {"3"},
	}
	f, err := s.KeepUnsentForm(ctx, ended, ended.CSRFToken, "POST", "/provider/sections/bank", "/provider/sections/bank", sent)
	if err != nil {
		t.Fatal(err)
	}
	for _, dropped := range []string{"_csrf", "password", "new_password", "code"} {
		if _, ok := f.Values[dropped]; ok {
			t.Errorf("%s was kept", dropped)
		}
	}
	// Nothing typed is in the row in clear, the bank details above all.
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms WHERE values_sealed LIKE '%31926819%' OR values_sealed LIKE '%Acme%' OR values_sealed LIKE '%601613%'`); n != 0 {
		t.Error("the kept form is stored in clear")
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.unsent_form.kept' AND object_id = $1`, owner.ID); n != 1 {
		t.Errorf("%d audit events for keeping the form, want 1", n)
	}

	if _, err := s.UnsentFormFor(ctx, other.ID, f.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("another user reading the kept form: %v, want NotFound", err)
	}
	if _, err := s.TakeUnsentForm(ctx, other.ID, f.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("another user taking the kept form: %v, want NotFound", err)
	}
	if err := s.DiscardUnsentForm(ctx, other.ID, f.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("another user deleting the kept form: %v, want NotFound", err)
	}

	got, err := s.TakeUnsentForm(ctx, owner.ID, f.ID)
	if err != nil {
		t.Fatalf("the owner taking their form: %v", err)
	}
	if got.Path != "/provider/sections/bank" || strings.Join(got.Get("staff-0-name"), ",") != "Ann,Bea" ||
		got.Get("account_number")[0] != "31926819" || got.Get("version")[0] != "3" {
		t.Errorf("taken form %+v", got)
	}
	if _, err := s.TakeUnsentForm(ctx, owner.ID, f.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("taking the form twice: %v, want NotFound", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms`); n != 0 {
		t.Errorf("%d kept forms left after it was taken", n)
	}
}

func TestUnsentFormNeedsTheEndedSessionsToken(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "someone@example.org", RoleProvider)
	ended := timedOut(t, s, u)
	for _, sent := range []string{"", "forged", ended.CSRFToken + "x"} {
		_, err := s.KeepUnsentForm(systemCtx(), ended, sent, "POST", "/provider/sections/contacts", "/provider/sections/contacts",
			map[string][]string{"name": {"planted"}})
		if !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("CSRF token %q: %v, want Forbidden", sent, err)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms`); n != 0 {
		t.Errorf("%d forms kept without the session's token", n)
	}
}

func TestUnsentFormExpires(t *testing.T) {
	s := newService(t)
	ctx := systemCtx()
	u := mustCreate(t, s, "late@example.org", RoleOfficer)
	now := time.Now()
	s.Now = func() time.Time { return now }
	ended := timedOut(t, s, u)
	f, err := s.KeepUnsentForm(ctx, ended, ended.CSRFToken, "POST", "/contracts", "/contracts/new", map[string][]string{"title": {"Fostering"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.ExpiresAt.Sub(f.CreatedAt); got != UnsentFormLifetime {
		t.Errorf("kept for %s, want %s", got, UnsentFormLifetime)
	}

	now = now.Add(UnsentFormLifetime + time.Second)
	if _, err := s.UnsentFormFor(ctx, u.ID, f.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("an expired form read: %v, want NotFound", err)
	}
	// The job's clean-up deletes it; nothing younger goes with it.
	younger := timedOut(t, s, u)
	if _, err := s.DB.Exec(`INSERT INTO unsent_forms (user_id, session_hash, method, path, form_path, values_sealed, expires_at)
		VALUES ($1, $2, 'POST', '/x', '/x', 'v1:x:y', $3)`, u.ID, younger.TokenHash, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, err := DeleteExpiredUnsentForms(ctx, s.DB, now)
	if err != nil || n != 1 {
		t.Fatalf("deleted %d expired forms (%v), want 1", n, err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms WHERE id = $1`, f.ID); n != 0 {
		t.Error("the expired form is still stored")
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms`); n != 1 {
		t.Error("a form not yet expired was deleted")
	}
}

func TestUnsentFormGoesWithItsUser(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "gone@example.org", RoleProvider)
	ended := timedOut(t, s, u)
	if _, err := s.KeepUnsentForm(systemCtx(), ended, ended.CSRFToken, "POST", "/rectification", "/rectification/new", map[string][]string{"details": {"x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`DELETE FROM users WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM unsent_forms`); n != 0 {
		t.Error("a destroyed user's kept form remains")
	}
}

func TestAnonymousSessionTimingOutSaysNothingOfWhose(t *testing.T) {
	s := newService(t)
	ctx := systemCtx()
	token, sess, err := NewSession(ctx, s.DB, "", StageAnonymous, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1`, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	_, err = SessionByToken(ctx, s.DB, token, testTimeouts)
	var ended *SessionTimedOutError
	if errors.As(err, &ended) || !errors.Is(err, ErrNoSession) {
		t.Errorf("an anonymous session timing out answered %v, want only ErrNoSession", err)
	}
}

// TestTimedOutSessionsAreRemembered: a signed-in session that times out, whether a request
// finds it or the hourly clean-up does, is remembered by its CSRF token's hash (never the
// token itself) for its owner; an anonymous one, or one ended on purpose, is not.
func TestTimedOutSessionsAreRemembered(t *testing.T) {
	s := newService(t)
	ctx := systemCtx()
	u := mustCreate(t, s, "remembered@example.org", RoleProvider)

	found := timedOut(t, s, u)
	got, err := TimedOutSessionByCSRF(ctx, s.DB, found.CSRFToken)
	if err != nil || got.UserID != u.ID || string(got.TokenHash) != string(found.TokenHash) {
		t.Fatalf("a session a request found timed out: %+v, %v", got, err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM ended_sessions WHERE position(convert_to($1, 'UTF8') in csrf_hash) > 0`, found.CSRFToken); n != 0 {
		t.Error("the CSRF token is stored in clear")
	}

	// The clean-up job: one signed-in session timed out, one anonymous, one live.
	_, cleaned, err := NewSession(ctx, s.DB, u.ID, StageFull, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, anon, err := NewSession(ctx, s.DB, "", StageAnonymous, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, live, err := NewSession(ctx, s.DB, u.ID, StageFull, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE token_hash IN ($1, $2)`, cleaned.TokenHash, anon.TokenHash); err != nil {
		t.Fatal(err)
	}
	n, err := DeleteExpiredSessions(ctx, s.DB, testTimeouts)
	if err != nil || n != 2 {
		t.Fatalf("the clean-up deleted %d sessions (%v), want 2", n, err)
	}
	if got, err := TimedOutSessionByCSRF(ctx, s.DB, cleaned.CSRFToken); err != nil || got.UserID != u.ID {
		t.Errorf("a session the clean-up found timed out: %+v, %v", got, err)
	}
	for name, token := range map[string]string{"anonymous": anon.CSRFToken, "live": live.CSRFToken, "unknown": "nothing"} {
		if _, err := TimedOutSessionByCSRF(ctx, s.DB, token); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s session: %v, want NotFound", name, err)
		}
	}
	if err := DeleteSession(ctx, s.DB, live.TokenHash); err != nil {
		t.Fatal(err)
	}
	if _, err := TimedOutSessionByCSRF(ctx, s.DB, live.CSRFToken); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a session signed out on purpose is remembered: %v", err)
	}

	// A day on, none is remembered.
	if _, err := s.DB.Exec(`UPDATE ended_sessions SET ended_at = now() - interval '13 hours'`); err != nil {
		t.Fatal(err)
	}
	if _, err := TimedOutSessionByCSRF(ctx, s.DB, found.CSRFToken); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a session that timed out 13 hours ago: %v, want NotFound", err)
	}
	if _, err := DeleteExpiredSessions(ctx, s.DB, testTimeouts); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM ended_sessions`); n != 0 {
		t.Errorf("%d ended sessions still remembered after a day", n)
	}
}
