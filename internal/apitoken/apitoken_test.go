package apitoken_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/form"
	"github.com/jmoiron/sqlx"
)

// london is where expiry dates are days.
var london, _ = time.LoadLocation("Europe/London")

// noon is a fixed "now" in British Summer Time, so the tests do not depend on the clock.
var noon = time.Date(2026, 6, 15, 12, 0, 0, 0, london)

// dateInput is a date as the form sends it.
func dateInput(t time.Time) form.DateInput {
	return form.DateInput{Day: fmt.Sprint(t.Day()), Month: fmt.Sprint(int(t.Month())), Year: fmt.Sprint(t.Year())}
}

// world is a database with an administrator acting.
type world struct {
	db    *sqlx.DB
	admin string
	ctx   context.Context
}

func newWorld(t *testing.T) *world {
	t.Helper()
	d := dbtest.New(t)
	var id string
	if err := d.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ('ada@council.example', 'Ada Admin', 'x', '{admin,finance}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: id, Email: "ada@council.example", Roles: []string{"admin", "finance"}, IP: "192.0.2.1"})
	return &world{db: d, admin: id, ctx: ctx}
}

// create makes a token with the scopes, expiring on the day after days, or fails the test.
func (w *world) create(t *testing.T, name string, days int, scopes ...apitoken.Scope) *apitoken.Created {
	t.Helper()
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = string(s)
	}
	c, err := apitoken.Create(w.ctx, w.db, apitoken.NewToken{Name: name, Scopes: names, Expires: dateInput(noon.AddDate(0, 0, days))}, noon)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return c
}

func TestCreateShowsTheSecretOnceAndStoresItsHash(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := w.create(t, "Finance system", 30, apitoken.PaymentsRead, apitoken.ProvidersRead)
	if !regexp.MustCompile(`^pp_[a-z2-7]{8}_[a-z2-7]{52}$`).MatchString(c.Secret) {
		t.Fatalf("secret %q is not pp_<prefix>_<key>", c.Secret)
	}
	tok := c.Token
	if !strings.HasPrefix(c.Secret, tok.Prefix+"_") || len(tok.Prefix) != len("pp_")+8 {
		t.Errorf("prefix %q of secret %q", tok.Prefix, c.Secret)
	}
	if tok.Name != "Finance system" || tok.CreatedByEmail != "ada@council.example" || tok.CreatedBy == nil || *tok.CreatedBy != w.admin {
		t.Errorf("token %+v", tok)
	}
	// Stored in the list's order, whatever the form sent.
	if got := tok.Scopes(); !slices.Equal(got, []apitoken.Scope{apitoken.ProvidersRead, apitoken.PaymentsRead}) {
		t.Errorf("scopes %v", got)
	}
	if want := time.Date(2026, 7, 16, 0, 0, 0, 0, london); !tok.ExpiresAt.Equal(want) {
		t.Errorf("expires at %s, want the start of the day after the expiry date, %s", tok.ExpiresAt, want)
	}
	if got := tok.ExpiresOn().Format(time.DateOnly); got != "2026-07-15" {
		t.Errorf("expires on %s", got)
	}

	var stored []byte
	if err := w.db.Get(&stored, `SELECT secret_hash FROM api_tokens WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256([]byte(c.Secret)); string(stored) != string(h[:]) {
		t.Error("the stored hash is not the SHA-256 of the secret")
	}
	key := c.Secret[len(tok.Prefix)+1:]
	for _, table := range []string{"api_tokens", "audit_events"} {
		var rows string
		if err := w.db.Get(&rows, `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM `+table+` t`); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rows, key) || strings.Contains(rows, c.Secret) {
			t.Errorf("%s holds the secret", table)
		}
	}
	var ev struct {
		Actor   string `db:"actor_email"`
		Summary string `db:"summary"`
	}
	if err := w.db.Get(&ev, `SELECT actor_email, summary::text AS summary FROM audit_events WHERE action = 'api_token.created' AND object_id = $1`, tok.ID); err != nil {
		t.Fatalf("no audit event for the creation: %v", err)
	}
	if ev.Actor != "ada@council.example" || !strings.Contains(ev.Summary, tok.Prefix) || !strings.Contains(ev.Summary, "payments:read") {
		t.Errorf("audit event %+v", ev)
	}

	// The secret is not to be had again: a second read has no field for it.
	again, err := apitoken.ByID(w.ctx, w.db, tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fmt.Sprintf("%+v", *again), key) {
		t.Error("a token read back carries the secret")
	}
	list, err := apitoken.List(w.ctx, w.db)
	if err != nil || len(list) != 1 || list[0].ID != tok.ID {
		t.Fatalf("list %v %v", list, err)
	}
	// Two tokens never share a secret or a prefix.
	other := w.create(t, "Finance system", 30, apitoken.PaymentsRead)
	if other.Secret == c.Secret || other.Token.Prefix == tok.Prefix {
		t.Error("two tokens share a secret or prefix")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := apitoken.NewToken{Name: "Finance system", Scopes: []string{"payments:read"}, Expires: dateInput(noon.AddDate(0, 1, 0))}
	with := func(change func(*apitoken.NewToken)) apitoken.NewToken {
		n := ok
		change(&n)
		return n
	}
	tests := []struct {
		name string
		in   apitoken.NewToken
		want map[string]string
	}{
		{"acceptable", ok, map[string]string{}},
		{"a year away exactly", with(func(n *apitoken.NewToken) { n.Expires = dateInput(noon.AddDate(1, 0, 0)) }), map[string]string{}},
		{"tomorrow", with(func(n *apitoken.NewToken) { n.Expires = dateInput(noon.AddDate(0, 0, 1)) }), map[string]string{}},
		{"a scope twice", with(func(n *apitoken.NewToken) { n.Scopes = []string{"payments:read", "payments:read"} }), map[string]string{}},
		{"no name", with(func(n *apitoken.NewToken) { n.Name = "  " }), map[string]string{"name": "Enter a name for the token, such as the system that will use it"}},
		{"long name", with(func(n *apitoken.NewToken) { n.Name = strings.Repeat("a", 101) }), map[string]string{"name": "The name must be 100 characters or fewer"}},
		{"control characters", with(func(n *apitoken.NewToken) { n.Name = "a\x00b" }), map[string]string{"name": "The name must be letters, numbers, spaces and punctuation only"}},
		{"no scopes", with(func(n *apitoken.NewToken) { n.Scopes = nil }), map[string]string{"scopes": "Select at least one thing the token may read"}},
		{"unknown scope", with(func(n *apitoken.NewToken) { n.Scopes = []string{"users:write"} }), map[string]string{"scopes": "Select what the token may read from the list"}},
		{"no expiry", with(func(n *apitoken.NewToken) { n.Expires = form.DateInput{} }), map[string]string{"expires": "Enter the date the token expires"}},
		{"not a date", with(func(n *apitoken.NewToken) { n.Expires = form.DateInput{Day: "31", Month: "2", Year: "2027"} }),
			map[string]string{"expires": "The date the token expires must be a real date, like 27 3 2024"}},
		{"today", with(func(n *apitoken.NewToken) { n.Expires = dateInput(noon) }), map[string]string{"expires": "The date the token expires must be in the future"}},
		{"over a year", with(func(n *apitoken.NewToken) { n.Expires = dateInput(noon.AddDate(1, 0, 1)) }),
			map[string]string{"expires": "The date the token expires must be within 1 year, on or before 15 June 2027"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := tt.in.Validate(noon)
			if fmt.Sprint(errs) != fmt.Sprint(tt.want) {
				t.Errorf("Validate = %v, want %v", errs, tt.want)
			}
		})
	}
}

func TestCreateRefusesInvalidRequests(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, err := apitoken.Create(w.ctx, w.db, apitoken.NewToken{Name: "", Scopes: []string{"payments:read"}}, noon)
	if fields := apperr.FieldsOf(err); fields["name"] == "" || fields["expires"] == "" {
		t.Fatalf("Create without name or expiry: %v", err)
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM api_tokens`); err != nil || n != 0 {
		t.Errorf("%d tokens stored (%v)", n, err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	good := w.create(t, "Directory sync", 10, apitoken.ProvidersRead)
	revoked := w.create(t, "Old system", 10, apitoken.ProvidersRead)
	if err := apitoken.Revoke(w.ctx, w.db, revoked.Token.ID); err != nil {
		t.Fatal(err)
	}
	endOfExpiryDay := time.Date(2026, 6, 26, 0, 0, 0, 0, london)
	// Another key behind a real prefix: the prefix alone must not be enough.
	forged := good.Token.Prefix + "_" + strings.Repeat("a", 52)
	tests := []struct {
		name   string
		secret string
		at     time.Time
		want   error
	}{
		{"the secret", good.Secret, noon, nil},
		{"on the last second of the expiry day", good.Secret, endOfExpiryDay.Add(-time.Second), nil},
		{"the day after the expiry date", good.Secret, endOfExpiryDay, apitoken.ErrExpired},
		{"revoked", revoked.Secret, noon, apitoken.ErrRevoked},
		{"revoked and expired", revoked.Secret, endOfExpiryDay, apitoken.ErrRevoked},
		{"the right prefix with another key", forged, noon, apitoken.ErrInvalid},
		{"an unknown prefix", "pp_aaaaaaaa_" + strings.Repeat("b", 52), noon, apitoken.ErrInvalid},
		{"cut short", good.Secret[:len(good.Secret)-1], noon, apitoken.ErrInvalid},
		{"upper case", strings.ToUpper(good.Secret), noon, apitoken.ErrInvalid},
		{"empty", "", noon, apitoken.ErrInvalid},
		{"a session token", "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg", noon, apitoken.ErrInvalid},
	}
	for _, tt := range tests {
		tok, err := apitoken.Authenticate(w.ctx, w.db, tt.secret, tt.at)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
			continue
		}
		if tt.want == nil && (tok == nil || tok.ID != good.Token.ID || !tok.Has(apitoken.ProvidersRead) || tok.Has(apitoken.PaymentsRead)) {
			t.Errorf("%s: token %+v", tt.name, tok)
		}
		if tt.want != nil && !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("%s: %v is not Unauthorized", tt.name, err)
		}
	}
}

func TestLastUsedIsRecordedAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := w.create(t, "Directory sync", 10, apitoken.ProvidersRead)
	lastUsed := func() *time.Time {
		t.Helper()
		var at *time.Time
		if err := w.db.Get(&at, `SELECT last_used_at FROM api_tokens WHERE id = $1`, c.Token.ID); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if lastUsed() != nil {
		t.Fatal("a new token has been used")
	}
	steps := []struct {
		after time.Duration
		want  time.Duration // the last use recorded, after noon
	}{
		{0, 0},
		{30 * time.Second, 0},
		{59 * time.Second, 0},
		{60 * time.Second, 60 * time.Second},
		{90 * time.Second, 60 * time.Second},
		{10 * time.Minute, 10 * time.Minute},
	}
	for _, s := range steps {
		if _, err := apitoken.Authenticate(w.ctx, w.db, c.Secret, noon.Add(s.after)); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got == nil || !got.Equal(noon.Add(s.want)) {
			t.Errorf("used at +%s: last used %v, want +%s", s.after, got, s.want)
		}
	}
	// A refused secret is no use.
	if _, err := apitoken.Authenticate(w.ctx, w.db, c.Token.Prefix+"_"+strings.Repeat("a", 52), noon.Add(time.Hour)); err == nil {
		t.Fatal("a wrong key was accepted")
	}
	if got := lastUsed(); !got.Equal(noon.Add(10 * time.Minute)) {
		t.Errorf("a refused secret moved last used to %v", got)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := w.create(t, "Directory sync", 10, apitoken.ProvidersRead)
	if err := apitoken.Revoke(w.ctx, w.db, c.Token.ID); err != nil {
		t.Fatal(err)
	}
	tok, err := apitoken.ByID(w.ctx, w.db, c.Token.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Revoked() || tok.Usable(noon) || tok.State(noon) != "Revoked" || tok.RevokedByEmail != "ada@council.example" {
		t.Errorf("after revoking: %+v", tok)
	}
	if err := apitoken.Revoke(w.ctx, w.db, c.Token.ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("revoking twice: %v", err)
	}
	for _, id := range []string{"00000000-0000-4000-8000-000000000000", "not-an-id"} {
		if err := apitoken.Revoke(w.ctx, w.db, id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("revoking %s: %v", id, err)
		}
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM audit_events WHERE action = 'api_token.revoked' AND object_id = $1 AND actor_id = $2`, c.Token.ID, w.admin); err != nil || n != 1 {
		t.Errorf("%d revocation events (%v)", n, err)
	}
}

func TestState(t *testing.T) {
	t.Parallel()
	revokedAt := noon
	tests := []struct {
		tok  apitoken.Token
		want string
	}{
		{apitoken.Token{ExpiresAt: noon.Add(time.Hour)}, "Active"},
		{apitoken.Token{ExpiresAt: noon}, "Expired"},
		{apitoken.Token{ExpiresAt: noon.Add(time.Hour), RevokedAt: &revokedAt}, "Revoked"},
	}
	for _, tt := range tests {
		if got := tt.tok.State(noon); got != tt.want {
			t.Errorf("State(%+v) = %s, want %s", tt.tok, got, tt.want)
		}
	}
}
