package auth

import (
	"regexp"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

var confirmationLink = regexp.MustCompile(`https://portal\.example\.gov\.uk/register/confirm/([A-Za-z0-9_-]+)`)

// confirmationTokens returns the tokens of the confirmation links mailed to email, oldest first.
func confirmationTokens(t *testing.T, s *Service, email string) []string {
	t.Helper()
	var bodies []string
	if err := s.DB.Select(&bodies, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'email_confirmation' ORDER BY created_at, id`, email); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range bodies {
		m := confirmationLink.FindStringSubmatch(b)
		if m == nil {
			t.Fatalf("no confirmation link in the mail:\n%s", b)
		}
		out = append(out, m[1])
	}
	return out
}

// robin is the provider registered by registerUnconfirmed.
const robin = "robin@acorn.example"

// registerUnconfirmed makes the account a provider registering themselves gets (package
// membership does the rest of registering): not yet confirmed, with a confirmation link
// mailed to robin.
func registerUnconfirmed(t *testing.T, s *Service) *User {
	t.Helper()
	ctx := systemCtx()
	var u *User
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if u, err = s.CreateUser(ctx, tx, NewUser{Email: robin, Name: "Robin Ash", Roles: []Role{RoleProvider}, Password: testPassword}); err != nil {
			return err
		}
		return s.SendConfirmation(ctx, tx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestCheckNewProvider: the words someone making their own account sees, field by field.
func TestCheckNewProvider(t *testing.T) {
	email, fields := CheckNewProvider(" Robin Ash ", " robin@acorn.example ", testPassword, testPassword)
	if email != robin || fields == nil || len(fields) != 0 {
		t.Errorf("good details: %q, %v", email, fields)
	}
	_, fields = CheckNewProvider("", "robin at acorn", "", "")
	want := map[string]string{"name": "Enter your full name", "email": "Enter an email address in the correct format, like name@example.com", "password": MsgPasswordMissing}
	if len(fields) != len(want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	for f, msg := range want {
		if fields[f] != msg {
			t.Errorf("%s says %q, want %q", f, fields[f], msg)
		}
	}
	if _, fields = CheckNewProvider("Robin Ash", robin, testPassword, testPassword+"s"); fields["password_confirm"] != MsgPasswordMismatch || len(fields) != 1 {
		t.Errorf("confirmation differs: %v", fields)
	}
}

// TestConfirmEmailRefusesBadLinks: unknown, expired and other kinds of link confirm nothing.
func TestConfirmEmailRefusesBadLinks(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := systemCtx()
	u := registerUnconfirmed(t, s)
	token := confirmationTokens(t, s, robin)[0]
	resetToken := NewToken()
	if _, err := s.DB.Exec(`INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at) VALUES ($1, 'password_reset', $2, now() + interval '1 hour')`, HashToken(resetToken), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, HashToken(token)); err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"unknown": NewToken(), "expired": token, "password reset link": resetToken, "empty": ""} {
		if _, err := s.ConfirmEmail(ctx, tok); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s: %v, want NotFound", name, err)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM users WHERE email_confirmed_at IS NOT NULL`); n != 0 {
		t.Errorf("%d users confirmed by bad links", n)
	}
}

// TestResendConfirmation sends a new link only to an account waiting for one, at most once
// in five minutes, and answers the same way whatever the address.
func TestResendConfirmation(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := systemCtx()
	registerUnconfirmed(t, s)
	confirmedUser := mustCreate(t, s, "sam@acorn.example", RoleProvider)

	steps := []struct {
		name      string
		email     string
		before    func()
		wantMails int // confirmation mails to robin afterwards
	}{
		{"straight after registering", robin, nil, 1},
		{"unknown address", "nobody@acorn.example", nil, 1},
		{"confirmed account", confirmedUser.Email, nil, 1},
		{"after five minutes", " ROBIN@acorn.example ", func() {
			if _, err := s.DB.Exec(`UPDATE one_time_tokens SET created_at = created_at - interval '6 minutes'`); err != nil {
				t.Fatal(err)
			}
		}, 2},
		{"again at once", robin, nil, 2},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before()
		}
		if err := s.ResendConfirmation(ctx, st.email, "192.0.2.1"); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := len(confirmationTokens(t, s, robin)); got != st.wantMails {
			t.Errorf("%s: %d mails to %s, want %d", st.name, got, robin, st.wantMails)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox WHERE to_address <> $1`, robin); n != 0 {
		t.Errorf("%d mails to other addresses, want none", n)
	}
	if err := s.ResendConfirmation(ctx, "not an address", "192.0.2.1"); apperr.FieldsOf(err)["email"] == "" {
		t.Errorf("malformed address: %v, want a message for the email field", err)
	}
	// Both links work until one is used.
	tokens := confirmationTokens(t, s, robin)
	if _, err := s.ConfirmEmail(ctx, tokens[1]); err != nil {
		t.Fatalf("the newer link: %v", err)
	}
}
