package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/pquerna/otp/totp"
)

func TestCreateUserValidation(t *testing.T) {
	s := newService(t)
	mustCreate(t, s, "ada@council.example", RoleAdmin)
	staff := []Role{RoleOfficer}
	provider := []Role{RoleProvider}
	tests := []struct {
		name string
		nu   NewUser
		want map[string]string
	}{
		{"no email", NewUser{Email: " ", Name: "Pat Jones", Roles: provider, Password: testPassword},
			map[string]string{"email": "Enter an email address"}},
		{"bad email", NewUser{Email: "pat at acorn", Name: "Pat Jones", Roles: provider, Password: testPassword},
			map[string]string{"email": "Enter an email address in the correct format, like name@example.com"}},
		{"email without a dot in the domain", NewUser{Email: "pat@localhost", Name: "Pat Jones", Roles: provider, Password: testPassword},
			map[string]string{"email": "Enter an email address in the correct format, like name@example.com"}},
		{"duplicate email in another case", NewUser{Email: "ADA@Council.example", Name: "Ada Two", Roles: staff, Password: testPassword},
			map[string]string{"email": "A user with this email address already exists"}},
		{"no name", NewUser{Email: "pat@acorn.example", Name: "  ", Roles: provider, Password: testPassword},
			map[string]string{"name": "Enter the person's full name"}},
		{"long name", NewUser{Email: "pat@acorn.example", Name: strings.Repeat("é", 201), Roles: provider, Password: testPassword},
			map[string]string{"name": "Name must be 200 characters or fewer"}},
		{"no roles", NewUser{Email: "pat@acorn.example", Name: "Pat Jones", Password: testPassword},
			map[string]string{"roles": "Select at least one role"}},
		{"unknown role", NewUser{Email: "pat@acorn.example", Name: "Pat Jones", Roles: []Role{"superuser"}, Password: testPassword},
			map[string]string{"roles": "Select roles from the list"}},
		{"provider and staff", NewUser{Email: "pat@acorn.example", Name: "Pat Jones", Roles: []Role{RoleProvider, RoleOfficer}, Password: testPassword},
			map[string]string{"roles": "A provider user cannot also hold a council role"}},
		{"provider password under 15", NewUser{Email: "pat@acorn.example", Name: "Pat Jones", Roles: provider, Password: "lantern copper"},
			map[string]string{"password": MsgPasswordTooShort(15)}},
		{"staff password under 8", NewUser{Email: "olive@council.example", Name: "Olive Ray", Roles: staff, Password: "lant3rn"},
			map[string]string{"password": MsgPasswordTooShort(8)}},
		{"password with the name", NewUser{Email: "olive@council.example", Name: "Olive Ray", Roles: staff, Password: "olive ray forever"},
			map[string]string{"password": MsgPasswordPersonal}},
		{"everything wrong", NewUser{Roles: nil},
			map[string]string{"email": "Enter an email address", "name": "Enter the person's full name", "roles": "Select at least one role", "password": MsgPasswordMissing}},
	}
	for _, tt := range tests {
		err := db.Transact(systemCtx(), s.DB, func(tx *sqlx.Tx) error {
			_, err := s.CreateUser(systemCtx(), tx, tt.nu)
			return err
		})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: error %v, want Invalid", tt.name, err)
			continue
		}
		if got := apperr.FieldsOf(err); !maps.Equal(got, tt.want) {
			t.Errorf("%s: fields %v, want %v", tt.name, got, tt.want)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM users`); n != 1 {
		t.Errorf("%d users stored, want only the first", n)
	}

	// A staff password may be 8 characters (they also have TOTP); the creation is audited.
	var u *User
	err := db.Transact(systemCtx(), s.DB, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.CreateUser(systemCtx(), tx, NewUser{Email: " olive@council.example ", Name: " Olive Ray ", Roles: []Role{RoleOfficer, RoleDPO}, Password: "lant3rns", EmailConfirmed: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "olive@council.example" || u.Name != "Olive Ray" || !u.Has(RoleDPO) || u.EmailConfirmedAt == nil || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("stored user %+v", u)
	}
	var summary []byte
	if err := s.DB.Get(&summary, `SELECT summary FROM audit_events WHERE action = 'user.create' AND object_id = $1`, u.ID); err != nil {
		t.Fatalf("no user.create audit event: %v", err)
	}
	if strings.Contains(string(summary), "lant3rns") || strings.Contains(string(summary), u.PasswordHash) {
		t.Errorf("the audit summary holds the password: %s", summary)
	}
}

func TestSignInAudits(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	off := mustCreate(t, s, "dee@acorn.example", RoleProvider)
	if _, err := s.DB.Exec(`UPDATE users SET disabled_at = now() WHERE id = $1`, off.ID); err != nil {
		t.Fatal(err)
	}
	ctx := systemCtx()
	tests := []struct {
		name, email, password string
		ok                    bool
		action, objectID      string
		reason                string
	}{
		{"wrong password", u.Email, "not the password", false, "user.signin.failed", u.ID, ""},
		{"unknown email", "nobody@acorn.example", testPassword, false, "user.signin.failed", "", ""},
		{"disabled", off.Email, testPassword, false, "user.signin.failed", off.ID, "disabled"},
		{"right password", " " + u.Email + " ", testPassword, true, "user.signin.password", u.ID, ""},
	}
	for i, tt := range tests {
		ip := fmt.Sprintf("192.0.2.%d", i+1)
		got, err := s.SignIn(ctx, tt.email, tt.password, ip)
		if tt.ok != (err == nil) {
			t.Errorf("%s: error %v", tt.name, err)
		}
		if !tt.ok {
			if !apperr.Is(err, apperr.Unauthorized) || apperr.MessageOf(err) != "Enter a correct email address and password" {
				t.Errorf("%s: error %v, want the one Unauthorized message for every failure", tt.name, err)
			}
		} else if got == nil || got.ID != u.ID {
			t.Errorf("%s: user %v", tt.name, got)
		}
		var ev struct {
			Action   string  `db:"action"`
			ObjectID string  `db:"object_id"`
			ActorID  *string `db:"actor_id"`
			Email    string  `db:"actor_email"`
			Summary  []byte  `db:"summary"`
		}
		if err := s.DB.Get(&ev, `SELECT action, object_id, actor_id, actor_email, summary FROM audit_events ORDER BY id DESC LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		if ev.Action != tt.action || ev.ObjectID != tt.objectID || ev.Email != strings.TrimSpace(tt.email) {
			t.Errorf("%s: audited %s on %q by %q, want %s on %q", tt.name, ev.Action, ev.ObjectID, ev.Email, tt.action, tt.objectID)
		}
		if tt.ok != (ev.ActorID != nil && *ev.ActorID == u.ID) {
			t.Errorf("%s: actor id %v", tt.name, ev.ActorID)
		}
		var summary map[string]any
		_ = json.Unmarshal(ev.Summary, &summary)
		if r, _ := summary["reason"].(string); r != tt.reason {
			t.Errorf("%s: reason %q, want %q", tt.name, r, tt.reason)
		}
		if n := countRows(t, s.DB, `SELECT count(*) FROM signin_attempts WHERE ip = $1::inet AND succeeded = $2`, ip, tt.ok); n != 1 {
			t.Errorf("%s: %d attempts recorded", tt.name, n)
		}
	}
}

func TestSignInThrottles(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	for range s.Throttle.FreePerAccount {
		if _, err := s.SignIn(systemCtx(), u.Email, "wrong", "192.0.2.1"); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	_, err := s.SignIn(systemCtx(), u.Email, testPassword, "192.0.2.1")
	wait, ok := IsThrottled(err)
	if !ok || wait <= 0 || wait > s.Throttle.FirstDelay || wait != wait.Round(time.Second) {
		t.Errorf("after %d failures: %v (wait %s), want throttled for whole seconds up to %s", s.Throttle.FreePerAccount, err, wait, s.Throttle.FirstDelay)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM signin_attempts`); n != s.Throttle.FreePerAccount {
		t.Errorf("%d attempts recorded; a throttled attempt must not count (nor check the password)", n)
	}
	// Another address is not held up by someone else's failures.
	if _, err := s.SignIn(systemCtx(), u.Email, testPassword, "198.51.100.7"); err != nil {
		t.Errorf("from another address: %v", err)
	}
}

func TestDisableAndEnable(t *testing.T) {
	s := newService(t)
	admin := mustCreate(t, s, "ada@council.example", RoleAdmin)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	other := mustCreate(t, s, "sam@acorn.example", RoleProvider)
	for _, id := range []string{u.ID, u.ID, other.ID, admin.ID} {
		if _, _, err := NewSession(systemCtx(), s.DB, id, StageFull, "", testTimeouts, "192.0.2.1", "test"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := actorCtx(admin)
	if err := s.Disable(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID); n != 0 {
		t.Errorf("%d sessions left for the disabled user", n)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM sessions`); n != 2 {
		t.Errorf("%d sessions left in all, want the other two users'", n)
	}
	var summary []byte
	if err := s.DB.Get(&summary, `SELECT summary FROM audit_events WHERE action = 'user.disable' AND object_id = $1 AND actor_id = $2`, u.ID, admin.ID); err != nil {
		t.Fatalf("no user.disable audit event: %v", err)
	}
	var got struct {
		Ended int `json:"sessions_ended"`
	}
	if err := json.Unmarshal(summary, &got); err != nil || got.Ended != 2 {
		t.Errorf("audit summary %s, want sessions_ended 2", summary)
	}
	if _, err := s.SignIn(systemCtx(), u.Email, testPassword, "192.0.2.1"); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("disabled user signs in: %v", err)
	}
	// Again is harmless and not audited twice.
	if err := s.Disable(ctx, u.ID); err != nil {
		t.Errorf("disable again: %v", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.disable'`); n != 1 {
		t.Errorf("%d disable events, want 1", n)
	}

	if err := s.Disable(ctx, admin.ID); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("disabling yourself: %v, want Invalid", err)
	}
	if err := s.Disable(ctx, "not-a-uuid"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("disabling a malformed id: %v, want NotFound", err)
	}

	if err := s.Enable(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignIn(systemCtx(), u.Email, testPassword, "192.0.2.1"); err != nil {
		t.Errorf("re-enabled user cannot sign in: %v", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.enable' AND object_id = $1`, u.ID); n != 1 {
		t.Errorf("%d enable events, want 1", n)
	}
}

func TestSetRoles(t *testing.T) {
	s := newService(t)
	admin := mustCreate(t, s, "ada@council.example", RoleAdmin)
	u := mustCreate(t, s, "olive@council.example", RoleOfficer, RoleDPO)
	ctx := actorCtx(admin)
	// Taking a role away needs no second person.
	if g, err := s.SetRoles(ctx, u.ID, []Role{RoleOfficer}, u.Version); err != nil || g != nil {
		t.Fatalf("removing dpo: %v, %v", g, err)
	}
	if _, err := s.SetRoles(ctx, u.ID, []Role{RoleDPO}, u.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("stale version: %v, want Conflict", err)
	}
	if _, err := s.SetRoles(ctx, u.ID, []Role{RoleProvider, RoleDPO}, u.Version+1); apperr.FieldsOf(err)["roles"] == "" {
		t.Errorf("provider with a council role: %v, want a roles message", err)
	}
	got, err := UserByID(ctx, s.DB, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != u.Version+1 || !got.Has(RoleOfficer) || got.Has(RoleDPO) {
		t.Errorf("after the changes: roles %v version %d", got.RoleNames, got.Version)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.roles.change'`); n != 1 {
		t.Errorf("%d role changes audited, want 1", n)
	}
}

// TestNoOneGrantsThemselvesARole: an administrator cannot change their own roles, and a role
// another administrator asks for waits for a third person (neither the one who asked nor
// the one receiving it) before it gives anything.
func TestNoOneGrantsThemselvesARole(t *testing.T) {
	s := newService(t)
	ada := mustCreate(t, s, "ada@council.example", RoleAdmin)
	bea := mustCreate(t, s, "bea@council.example", RoleAdmin)
	cal := mustCreate(t, s, "cal@council.example", RoleAdmin)
	olive := mustCreate(t, s, "olive@council.example", RoleOfficer)

	for _, roles := range [][]Role{{RoleAdmin, RoleFinance}, {RoleAdmin, RoleOfficer}, {RoleAdmin, RoleDPO}, {RoleFinance}} {
		if _, err := s.SetRoles(actorCtx(ada), ada.ID, roles, ada.Version); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("ada gives herself %v: %v, want Forbidden", roles, err)
		}
	}
	if me, _ := UserByID(context.Background(), s.DB, ada.ID); !slices.Equal([]string(me.RoleNames), []string{"admin"}) {
		t.Fatalf("ada's roles after trying: %v", me.RoleNames)
	}

	// Ada asks for finance for Bea: nothing changes until someone else approves.
	g, err := s.SetRoles(actorCtx(ada), bea.ID, []Role{RoleAdmin, RoleFinance}, bea.Version)
	if err != nil || g == nil || !slices.Equal([]string(g.Add), []string{"finance"}) || !g.Requested(ada.ID) {
		t.Fatalf("grant: %+v, %v", g, err)
	}
	if b, _ := UserByID(context.Background(), s.DB, bea.ID); b.Has(RoleFinance) {
		t.Fatal("finance given before a second administrator approved it")
	}
	if err := s.ApproveGrant(actorCtx(ada), g.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the asker approves: %v, want Forbidden", err)
	}
	if err := s.ApproveGrant(actorCtx(bea), g.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the receiver approves: %v, want Forbidden", err)
	}
	// Beneath the service, the database refuses it too.
	if _, err := s.DB.Exec(`UPDATE role_grants SET status = 'approved', decided_by = $2, decided_by_name = 'x', decided_at = now()
		WHERE id = $1`, g.ID, ada.ID); !db.IsCode(err, db.CodeCheckViolation) {
		t.Errorf("database let the asker approve: %v", err)
	}
	if err := s.ApproveGrant(actorCtx(cal), g.ID); err != nil {
		t.Fatal(err)
	}
	if b, _ := UserByID(context.Background(), s.DB, bea.ID); !b.Has(RoleFinance) || !b.Has(RoleAdmin) {
		t.Errorf("after approval bea has %v", b.RoleNames)
	}
	if err := s.ApproveGrant(actorCtx(cal), g.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("approving twice: %v, want NotFound", err)
	}

	// A change of role (officer to finance) keeps the old role until the new one is approved.
	g, err = s.SetRoles(actorCtx(ada), olive.ID, []Role{RoleFinance}, olive.Version)
	if err != nil || g == nil || !slices.Equal([]string(g.Remove), []string{"officer"}) {
		t.Fatalf("change of role: %+v, %v", g, err)
	}
	if o, _ := UserByID(context.Background(), s.DB, olive.ID); !slices.Equal([]string(o.RoleNames), []string{"officer"}) {
		t.Errorf("while waiting olive has %v", o.RoleNames)
	}
	if err := s.RejectGrant(actorCtx(bea), g.ID); err != nil {
		t.Fatal(err)
	}
	if o, _ := UserByID(context.Background(), s.DB, olive.ID); !slices.Equal([]string(o.RoleNames), []string{"officer"}) {
		t.Errorf("after rejection olive has %v", o.RoleNames)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action IN ('user.roles.requested', 'user.roles.rejected')`); n != 3 {
		t.Errorf("%d grant events audited, want 3", n)
	}
}

// TestInvitedStaffWaitForASecondAdministrator: an account an administrator makes is
// disabled, with no email, until another approves its roles; it cannot be enabled instead.
func TestInvitedStaffWaitForASecondAdministrator(t *testing.T) {
	s := newService(t)
	ada := mustCreate(t, s, "ada@council.example", RoleAdmin)
	bea := mustCreate(t, s, "bea@council.example", RoleAdmin)
	u, err := s.Invite(actorCtx(ada), "fin@council.example", "Fin Ance", []Role{RoleFinance})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := UserByID(context.Background(), s.DB, u.ID); !got.Disabled() {
		t.Error("the new account can sign in before its roles are approved")
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox WHERE to_address = 'fin@council.example'`); n != 0 {
		t.Errorf("%d emails before approval", n)
	}
	if err := s.Enable(actorCtx(ada), u.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("enabling the waiting account: %v, want Forbidden", err)
	}
	g, err := PendingGrantFor(context.Background(), s.DB, u.ID)
	if err != nil || g.Kind != GrantNewAccount {
		t.Fatalf("pending grant: %+v, %v", g, err)
	}
	if err := s.ApproveGrant(actorCtx(ada), g.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the inviter approves: %v", err)
	}
	if err := s.ApproveGrant(actorCtx(bea), g.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := UserByID(context.Background(), s.DB, u.ID); got.Disabled() {
		t.Error("still disabled after approval")
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox WHERE to_address = 'fin@council.example' AND kind = 'invitation'`); n != 1 {
		t.Errorf("%d invitations after approval, want 1", n)
	}
}

func TestCheckTOTP(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "olive@council.example", RoleOfficer)
	ctx := actorCtx(u)
	if err := s.CheckTOTP(ctx, u, "123456", "signin"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("no secret yet: %v, want Invalid", err)
	}
	secret, _, err := NewTOTPSecret("test", u.Email)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteTOTPEnrolment(ctx, u, secret, code); err != nil {
		t.Fatal(err)
	}
	// Enrolment used up the code's step; the next step's code signs in.
	if u, err = UserByID(ctx, s.DB, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckTOTP(ctx, u, code, "signin"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("the enrolment code replayed: %v, want Invalid", err)
	}
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckTOTP(ctx, u, next, "signin"); err != nil {
		t.Errorf("next code: %v", err)
	}
	if err := s.CheckTOTP(ctx, u, next, "signin"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("a code used twice: %v, want Invalid", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.totp.signin' AND object_id = $1`, u.ID); n != 1 {
		t.Errorf("%d successful code checks audited, want 1", n)
	}
	// Failed codes are what an investigation looks for: each must be on the record.
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'user.totp.signin.failed' AND object_id = $1`, u.ID); n != 2 {
		t.Errorf("%d failed code checks audited, want 2", n)
	}
}

func TestPasswordResetLinks(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	off := mustCreate(t, s, "dee@acorn.example", RoleProvider)
	if _, err := s.DB.Exec(`UPDATE users SET disabled_at = now() WHERE id = $1`, off.ID); err != nil {
		t.Fatal(err)
	}
	ctx := systemCtx()
	for _, email := range []string{"nobody@acorn.example", off.Email, u.Email} {
		if err := s.RequestPasswordReset(ctx, email, "192.0.2.1"); err != nil {
			t.Errorf("request for %s: %v", email, err)
		}
	}
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1`, u.Email); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox`); n != 1 {
		t.Errorf("%d mails queued, want one (none for unknown or disabled accounts)", n)
	}
	prefix := "https://portal.example.gov.uk/password-reset/"
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("no link in\n%s", body)
	}
	token := strings.Fields(body[i+len(prefix):])[0]
	if n := countRows(t, s.DB, `SELECT count(*) FROM one_time_tokens WHERE token_hash = $1 AND user_id = $2`, HashToken(token), u.ID); n != 1 {
		t.Fatal("the link's token is not stored hashed")
	}
	if _, _, err := NewSession(ctx, s.DB, u.ID, StageFull, "", testTimeouts, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, token, "short"); apperr.FieldsOf(err)["password"] != MsgPasswordTooShort(15) {
		t.Errorf("short password: %v", err)
	}
	if err := s.ResetPassword(ctx, token, "copper lantern meadow quiet"); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID); n != 0 {
		t.Errorf("%d sessions survived the reset", n)
	}
	if err := s.ResetPassword(ctx, token, "another good passphrase"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("second use: %v, want NotFound", err)
	}
	if _, err := s.SignIn(ctx, u.Email, "copper lantern meadow quiet", "192.0.2.1"); err != nil {
		t.Errorf("new password: %v", err)
	}
}

// TestNewPasswordEndsOlderLinks: with two reset links out, using the newer ends the older
// (and any sign-in code), so a link left in an old email or a stolen mailbox cannot set the
// password again.
func TestNewPasswordEndsOlderLinks(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	ctx := systemCtx()
	var tokens []string
	for range 2 {
		if err := s.RequestPasswordReset(ctx, u.Email, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at DESC LIMIT 1`, u.Email); err != nil {
			t.Fatal(err)
		}
		prefix := "https://portal.example.gov.uk/password-reset/"
		tokens = append(tokens, strings.Fields(body[strings.Index(body, prefix)+len(prefix):])[0])
	}
	if tokens[0] == tokens[1] {
		t.Fatal("two requests gave one link")
	}
	_, sess, err := NewSession(ctx, s.DB, u.ID, StageCode, "", testTimeouts, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendSignInCode(ctx, sess, u, false); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, tokens[1], "copper lantern meadow quiet"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, tokens[0], "the attacker's own passphrase"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("the older link after the newer was used: %v, want NotFound", err)
	}
	if _, err := s.SignIn(ctx, u.Email, "copper lantern meadow quiet", "192.0.2.1"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM one_time_tokens WHERE user_id = $1 AND used_at IS NULL`, u.ID); n != 0 {
		t.Errorf("%d links or codes still open after the password changed", n)
	}
}

// TestPasswordResetRequestsAreLimited: a flood of reset requests for one address sends it a
// few emails an hour, answering every request alike; one client is stopped after the limit
// whatever addresses it tries, known or not.
func TestPasswordResetRequestsAreLimited(t *testing.T) {
	s := newService(t)
	u := mustCreate(t, s, "pat@acorn.example", RoleProvider)
	ctx := systemCtx()
	for i := 0; i < 10; i++ {
		if err := s.RequestPasswordReset(ctx, u.Email, fmt.Sprintf("192.0.2.%d", i+1)); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM outbox WHERE to_address = $1`, u.Email); n != emailsPerAddressPerHour {
		t.Errorf("%d reset emails for 10 requests, want %d", n, emailsPerAddressPerHour)
	}
	var err error
	for i := 0; i < emailRequestsPerClientPerHour+1 && err == nil; i++ {
		err = s.RequestPasswordReset(ctx, fmt.Sprintf("someone%d@acorn.example", i), "203.0.113.9")
	}
	if _, throttled := IsThrottled(err); !throttled {
		t.Errorf("one client's %d requests: %v, want throttled", emailRequestsPerClientPerHour+1, err)
	}
	// The same client asking for confirmation links instead is held by the same limit.
	if err := s.ResendConfirmation(ctx, "someone@acorn.example", "203.0.113.9"); !func() bool { _, ok := IsThrottled(err); return ok }() {
		t.Errorf("a confirmation link from the limited client: %v, want throttled", err)
	}
}
