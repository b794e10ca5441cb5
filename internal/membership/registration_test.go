package membership

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/privacy"
)

var confirmationLink = regexp.MustCompile(`https://portal\.example\.gov\.uk/register/confirm/([A-Za-z0-9_-]+)`)

// currentNotice is the provider notice the migrations ship.
func currentNotice(t *testing.T, s *Service) *privacy.Notice {
	t.Helper()
	n, err := privacy.Current(context.Background(), s.DB, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

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

func validRegistration(n *privacy.Notice) Registration {
	return Registration{Name: "Robin Ash", Email: "robin@acorn.example", OrganisationName: "Acorn Fostering Ltd",
		Password: testPassword, PasswordConfirm: testPassword, NoticeID: n.ID, NoticeReadAt: time.Now().Add(-3 * time.Minute).Truncate(time.Microsecond)}
}

// TestRegister follows a registration through to the first sign-in: nothing works until the
// emailed link is opened, and what was read when is on record.
func TestRegister(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := systemCtx()
	n := currentNotice(t, s)
	r := validRegistration(n)
	u, orgID, err := s.Register(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Has(auth.RoleProvider) || len(u.RoleNames) != 1 || u.EmailConfirmedAt != nil || u.Name != "Robin Ash" {
		t.Errorf("user: roles %v confirmed %v name %q", u.RoleNames, u.EmailConfirmedAt, u.Name)
	}
	orgs, err := Organisations(ctx, s.DB, u.ID)
	if err != nil || len(orgs) != 1 || orgs[0].ID != orgID || orgs[0].Name != "Acorn Fostering Ltd" {
		t.Fatalf("organisations %v, %v; want Acorn Fostering Ltd", orgs, err)
	}
	var ack struct {
		NoticeID string    `db:"notice_id"`
		At       time.Time `db:"acknowledged_at"`
	}
	if err := s.DB.Get(&ack, `SELECT notice_id, acknowledged_at FROM notice_acknowledgements WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if ack.NoticeID != n.ID || !ack.At.Equal(r.NoticeReadAt) {
		t.Errorf("acknowledgement of %s at %s, want %s at %s (when it was read)", ack.NoticeID, ack.At, n.ID, r.NoticeReadAt)
	}
	var life time.Duration
	if err := s.DB.Get(&life, `SELECT extract(epoch FROM expires_at - created_at)::bigint * 1000000000 FROM one_time_tokens WHERE user_id = $1 AND purpose = 'email_confirmation'`, u.ID); err != nil {
		t.Fatal(err)
	}
	if life != auth.ConfirmationLinkLife {
		t.Errorf("confirmation link lasts %s, want %s", life, auth.ConfirmationLinkLife)
	}
	for _, action := range []string{"user.create", "organisation.registered", "privacy_notice.acknowledged", "user.email_confirmation.sent"} {
		if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = $1`, action); n != 1 {
			t.Errorf("%d %s audit events, want 1", n, action)
		}
	}

	if _, err := s.Auth.SignIn(ctx, r.Email, r.Password, "192.0.2.1"); !errors.Is(err, auth.ErrEmailUnconfirmed) {
		t.Fatalf("sign in before confirming: %v, want ErrEmailUnconfirmed", err)
	}
	if _, err := s.Auth.SignIn(ctx, r.Email, "not the password at all", "192.0.2.1"); errors.Is(err, auth.ErrEmailUnconfirmed) || !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("wrong password of an unconfirmed account: %v, want the plain refusal", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.signin.failed' AND summary->>'reason' = 'email_unconfirmed'`); n != 1 {
		t.Errorf("%d refusals audited as unconfirmed, want 1", n)
	}

	tokens := confirmationTokens(t, s, r.Email)
	if len(tokens) != 1 {
		t.Fatalf("%d confirmation mails, want 1", len(tokens))
	}
	confirmed, err := s.Auth.ConfirmEmail(ctx, tokens[0])
	if err != nil || confirmed.ID != u.ID || confirmed.EmailConfirmedAt == nil {
		t.Fatalf("confirm: %+v, %v", confirmed, err)
	}
	if _, err := s.Auth.SignIn(ctx, r.Email, r.Password, "192.0.2.1"); err != nil {
		t.Fatalf("sign in after confirming: %v", err)
	}
	// Opening the used link again (a mail scanner may have opened it first) only says the
	// address is confirmed; it changes nothing.
	again, err := s.Auth.ConfirmEmail(ctx, tokens[0])
	if err != nil || !again.EmailConfirmedAt.Equal(*confirmed.EmailConfirmedAt) {
		t.Errorf("second use: %+v, %v; want the same confirmation", again, err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.email_confirmed'`); n != 1 {
		t.Errorf("%d confirmations audited, want 1", n)
	}
}

// TestRegisterRefuses checks each bad input gets its field's message and nothing is stored.
func TestRegisterRefuses(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := systemCtx()
	n := currentNotice(t, s)
	mustCreate(t, s, "taken@acorn.example", auth.RoleProvider)
	tests := []struct {
		name   string
		change func(r *Registration)
		want   map[string]string
	}{
		{"everything missing", func(r *Registration) { *r = Registration{NoticeID: r.NoticeID} }, map[string]string{
			"name": "Enter your full name", "email": "Enter an email address",
			"organisation": "Enter the name of your organisation", "password": auth.MsgPasswordMissing}},
		{"email malformed", func(r *Registration) { r.Email = "robin at acorn" }, map[string]string{"email": "Enter an email address in the correct format, like name@example.com"}},
		{"password short", func(r *Registration) { r.Password, r.PasswordConfirm = "copper lantern", "copper lantern" }, map[string]string{"password": auth.MsgPasswordTooShort(15)}},
		{"password holds the name", func(r *Registration) {
			r.Password, r.PasswordConfirm = "robinash meadow lantern", "robinash meadow lantern"
		}, map[string]string{"password": auth.MsgPasswordPersonal}},
		{"confirmation differs", func(r *Registration) { r.PasswordConfirm = testPassword + "s" }, map[string]string{"password_confirm": auth.MsgPasswordMismatch}},
		{"organisation name too long", func(r *Registration) { r.OrganisationName = strings.Repeat("a", 301) }, map[string]string{"organisation": "Organisation name must be 300 characters or fewer"}},
		{"name too long", func(r *Registration) { r.Name = strings.Repeat("é", 201) }, map[string]string{"name": "Full name must be 200 characters or fewer"}},
	}
	for _, tt := range tests {
		r := validRegistration(n)
		tt.change(&r)
		_, _, err := s.Register(ctx, r)
		got := apperr.FieldsOf(err)
		if len(got) != len(tt.want) {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.want)
			continue
		}
		for f, msg := range tt.want {
			if got[f] != msg {
				t.Errorf("%s: %s says %q, want %q", tt.name, f, got[f], msg)
			}
		}
	}

	r := validRegistration(n)
	r.NoticeID = "00000000-0000-4000-8000-000000000000"
	if _, _, err := s.Register(ctx, r); !errors.Is(err, ErrNoticeChanged) {
		t.Errorf("an old notice: %v, want ErrNoticeChanged", err)
	}
	for table, want := range map[string]int{"users": 1, "organisations": 0, "memberships": 0, "notice_acknowledgements": 0, "one_time_tokens": 0, "outbox": 0} {
		if got := countRows(t, s.DB, `SELECT count(*) FROM `+table); got != want {
			t.Errorf("%d rows in %s after refused registrations, want %d", got, table, want)
		}
	}
}

// TestRegisterDoesNotSayWhoHasAnAccount: registering with an address that has an account
// answers as a new registration would (the caller shows "check your email"), creates
// nothing, and emails the account holder instead; registrations are limited per client.
func TestRegisterDoesNotSayWhoHasAnAccount(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ctx := systemCtx()
	n := currentNotice(t, s)
	mustCreate(t, s, "taken@acorn.example", auth.RoleProvider)
	users := countRows(t, s.DB, `SELECT count(*) FROM users`)
	r := validRegistration(n)
	r.Email, r.IP = "Taken@Acorn.example", "198.51.100.7"
	_, _, err := s.Register(ctx, r)
	if !errors.Is(err, ErrEmailHasAccount) || apperr.FieldsOf(err) != nil {
		t.Fatalf("registering a taken address: %v, want ErrEmailHasAccount with no field message", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM users`); n != users {
		t.Errorf("%d users after, %d before", n, users)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox WHERE to_address = 'taken@acorn.example' AND kind = 'registration_existing'`); n != 1 {
		t.Errorf("%d emails to the account holder, want 1", n)
	}
	// From one client, registrations stop after the limit whatever the address.
	throttled := false
	for i := 0; i < 25 && !throttled; i++ {
		r := validRegistration(n)
		r.Email, r.IP = fmt.Sprintf("new%d@acorn.example", i), "198.51.100.7"
		_, _, err := s.Register(ctx, r)
		_, throttled = auth.IsThrottled(err)
	}
	if !throttled {
		t.Error("25 registrations from one client were never limited")
	}
}
