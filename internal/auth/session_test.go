package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
)

func TestNewSession(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	seen := map[string]bool{}
	for range 3 {
		token, sess, err := NewSession(ctx, d, "", StageAnonymous, "", testTimeouts, "192.0.2.1", "test agent")
		if err != nil {
			t.Fatal(err)
		}
		if b, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(b) != 32 {
			t.Errorf("token %q: want 32 random bytes, URL-safe base64 (%v)", token, err)
		}
		if seen[token] || seen[sess.CSRFToken] || sess.CSRFToken == token || sess.CSRFToken == "" {
			t.Fatalf("token %q or CSRF token %q repeated", token, sess.CSRFToken)
		}
		seen[token], seen[sess.CSRFToken] = true, true
		if string(sess.TokenHash) != string(HashToken(token)) {
			t.Error("the session is not keyed by the token's hash")
		}
		// The token itself is nowhere in the row.
		if n := countRows(t, d, `SELECT count(*) FROM sessions s WHERE position($1 in concat_ws(' ', encode(s.token_hash, 'escape'),
			encode(s.token_hash, 'hex'), encode(s.token_hash, 'base64'), s.csrf_token, s.user_agent)) > 0`, token); n != 0 {
			t.Error("the session token is stored in the clear")
		}
		if got := sess.ExpiresAt.Sub(sess.CreatedAt); got != testTimeouts.Absolute {
			t.Errorf("expires %s after creation, want %s", got, testTimeouts.Absolute)
		}
		if sess.Stage != StageAnonymous || sess.UserID != nil {
			t.Errorf("session %+v", sess)
		}
	}
	if n := countRows(t, d, `SELECT count(*) FROM sessions`); n != 3 {
		t.Errorf("%d sessions stored, want 3", n)
	}
}

func TestSessionByToken(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	newSession := func(update string) (string, []byte) {
		t.Helper()
		token, sess, err := NewSession(ctx, d, "", StageAnonymous, "", testTimeouts, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if update != "" {
			if _, err := d.Exec(`UPDATE sessions SET `+update+` WHERE token_hash = $1`, sess.TokenHash); err != nil {
				t.Fatal(err)
			}
		}
		return token, sess.TokenHash
	}
	tests := []struct {
		name   string
		update string
		alive  bool
	}{
		{"new", "", true},
		{"idle 29 minutes", `last_seen_at = now() - interval '29 minutes'`, true},
		{"idle 31 minutes", `last_seen_at = now() - interval '31 minutes'`, false},
		{"past its expiry", `expires_at = now() - interval '1 second'`, false},
	}
	for _, tt := range tests {
		token, hash := newSession(tt.update)
		sess, err := SessionByToken(ctx, d, token, testTimeouts)
		if err != nil && !errors.Is(err, ErrNoSession) {
			t.Fatal(err)
		}
		if (sess != nil) != tt.alive || (err == nil) != tt.alive {
			t.Errorf("%s: session %v, want alive %v", tt.name, sess, tt.alive)
		}
		if n := countRows(t, d, `SELECT count(*) FROM sessions WHERE token_hash = $1`, hash); (n == 1) != tt.alive {
			t.Errorf("%s: %d rows left; an expired session must be deleted", tt.name, n)
		}
	}
	for name, token := range map[string]string{"empty": "", "unknown": NewToken(), "too long": strings.Repeat("a", 101)} {
		if sess, err := SessionByToken(ctx, d, token, testTimeouts); sess != nil || !errors.Is(err, ErrNoSession) {
			t.Errorf("%s token: %v, %v; want nil, ErrNoSession", name, sess, err)
		}
	}
	// The hash of a token is not itself a token.
	_, hash := newSession("")
	if sess, _ := SessionByToken(ctx, d, base64.RawURLEncoding.EncodeToString(hash), testTimeouts); sess != nil {
		t.Error("the stored hash works as a token")
	}
}

func TestSessionByTokenExtendsIdle(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	token, sess, err := NewSession(ctx, d, "", StageAnonymous, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	lastSeen := func() time.Time {
		var at time.Time
		if err := d.Get(&at, `SELECT last_seen_at FROM sessions WHERE token_hash = $1`, sess.TokenHash); err != nil {
			t.Fatal(err)
		}
		return at
	}
	// Seen 30 seconds ago: not written again (one write a minute at most).
	if _, err := d.Exec(`UPDATE sessions SET last_seen_at = now() - interval '30 seconds' WHERE token_hash = $1`, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	before := lastSeen()
	if s, err := SessionByToken(ctx, d, token, testTimeouts); s == nil || err != nil {
		t.Fatalf("%v, %v", s, err)
	}
	if !lastSeen().Equal(before) {
		t.Error("last_seen_at written again within a minute")
	}
	// Seen 20 minutes ago: extended, so it lives another idle period.
	if _, err := d.Exec(`UPDATE sessions SET last_seen_at = now() - interval '20 minutes' WHERE token_hash = $1`, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	if s, err := SessionByToken(ctx, d, token, testTimeouts); s == nil || err != nil {
		t.Fatalf("%v, %v", s, err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM sessions WHERE token_hash = $1 AND last_seen_at > now() - interval '1 minute'`, sess.TokenHash); n != 1 {
		t.Error("last_seen_at not moved to now")
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	for _, update := range []string{"", `last_seen_at = now() - interval '31 minutes'`, `expires_at = now() - interval '1 second'`, `last_seen_at = now() - interval '10 minutes'`} {
		_, sess, err := NewSession(ctx, d, "", StageAnonymous, "", testTimeouts, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if update != "" {
			if _, err := d.Exec(`UPDATE sessions SET `+update+` WHERE token_hash = $1`, sess.TokenHash); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, err := DeleteExpiredSessions(ctx, d, testTimeouts)
	if err != nil || n != 2 {
		t.Errorf("deleted %d (%v), want the 2 expired", n, err)
	}
	if left := countRows(t, d, `SELECT count(*) FROM sessions`); left != 2 {
		t.Errorf("%d sessions left, want 2", left)
	}
}

func TestFlash(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	_, sess, err := NewSession(ctx, d, "", StageAnonymous, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := SetFlash(ctx, d, sess.TokenHash, "Roles changed."); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Roles changed.", ""} {
		if got, err := TakeFlash(ctx, d, sess.TokenHash); got != want || err != nil {
			t.Errorf("take %d: %q, %v; want %q", i+1, got, err, want)
		}
	}
	if got, err := TakeFlash(ctx, d, HashToken("no such session")); got != "" || err != nil {
		t.Errorf("no session: %q, %v", got, err)
	}
}
