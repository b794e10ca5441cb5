// Package apitoken keeps the bearer tokens the council's other systems use to call the JSON
// API. An administrator makes a token with a name, its scopes and an expiry at most a year
// away; the secret is returned once, at creation, and only its SHA-256 is stored, so
// neither the database nor the admin pages can show it again. A token can be revoked at
// any time; expired and revoked tokens stop working at once.
//
// A secret looks like pp_k3j9x2ab_<52 base32 characters>. Its first part, the prefix, is
// public: it finds the row (an index lookup, then a constant-time comparison of hashes) and
// names the token in the admin pages, the logs and the audit trail.
package apitoken

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Token is a stored token: everything about it except the secret, which is never kept.
type Token struct {
	ID     string `db:"id"`
	Name   string `db:"name"`
	Prefix string `db:"prefix"`
	// ScopeNames are the scopes as stored; Scopes gives them typed.
	ScopeNames     pq.StringArray `db:"scopes"`
	CreatedBy      *string        `db:"created_by"`
	CreatedByName  string         `db:"created_by_name"`
	CreatedByEmail string         `db:"created_by_email"`
	CreatedAt      time.Time      `db:"created_at"`
	ExpiresAt      time.Time      `db:"expires_at"`
	LastUsedAt     *time.Time     `db:"last_used_at"`
	RevokedAt      *time.Time     `db:"revoked_at"`
	RevokedByEmail string         `db:"revoked_by_email"`
	// MakerRoles and MakerActive are the maker's roles and standing now, read with the
	// token each time, so a token carries only what its maker may still hand on.
	MakerRoles  pq.StringArray `db:"created_by_roles"`
	MakerActive bool           `db:"created_by_active"`

	secretHash []byte
}

// Scopes are the token's scopes.
func (t *Token) Scopes() []Scope {
	out := make([]Scope, len(t.ScopeNames))
	for i, s := range t.ScopeNames {
		out[i] = Scope(s)
	}
	return out
}

// Has reports whether the token holds scope s now: made with it, by someone who is still
// active and still holds the scope's MakerRoles.
func (t *Token) Has(s Scope) bool { return t.Listed(s) && t.MakerActive && s.heldBy(t.MakerRoles) }

// Listed reports whether the token was made with scope s, whether or not its maker may
// still hand it on (Has).
func (t *Token) Listed(s Scope) bool { return slices.Contains(t.ScopeNames, string(s)) }

// Revoked reports whether an administrator revoked the token.
func (t *Token) Revoked() bool { return t.RevokedAt != nil }

// Expired reports whether the token's expiry has passed at now.
func (t *Token) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// Usable reports whether the token works at now: neither revoked nor expired.
func (t *Token) Usable(now time.Time) bool { return !t.Revoked() && !t.Expired(now) }

// State is the token's state in words, for the admin list.
func (t *Token) State(now time.Time) string {
	switch {
	case t.Revoked():
		return "Revoked"
	case t.Expired(now):
		return "Expired"
	}
	return "Active"
}

// ExpiresOn is the last UK day the token works, as the administrator chose it.
func (t *Token) ExpiresOn() time.Time {
	d := t.ExpiresAt.In(london).Add(-time.Second)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// Actor is how the token appears as the actor of what it does: its prefix and name, so an
// audit event or a log line says which token, and through it who made it.
func (t *Token) Actor() string {
	return fmt.Sprintf("api-token:%s (%s)", t.Prefix, t.Name)
}

// secretPrefix starts every secret, so a leaked one is recognisable to secret scanners
// and to people.
const secretPrefix = "pp_"

// encoding is lower-case base32 without padding: letters and the digits 2-7, so a secret
// survives copying, URLs and shells without quoting.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// secretPattern is the shape of a secret: the prefix (5 random bytes) and the key (32).
var secretPattern = regexp.MustCompile(`^pp_[a-z2-7]{8}_[a-z2-7]{52}$`)

// newSecret returns a fresh secret and its public prefix.
func newSecret() (secret, prefix string) {
	id, key := make([]byte, 5), make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS has no entropy; nothing is safe
	}
	if _, err := rand.Read(key); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	prefix = secretPrefix + encoding.EncodeToString(id)
	return prefix + "_" + encoding.EncodeToString(key), prefix
}

// prefixOf returns the public prefix of a well-formed secret.
func prefixOf(secret string) (string, bool) {
	if !secretPattern.MatchString(secret) {
		return "", false
	}
	return secret[:strings.LastIndexByte(secret, '_')], true
}

// hash is how a secret is stored and compared.
func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// london is the council's time zone: expiry dates are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// today is the UK date at now, as midnight UTC.
func today(now time.Time) time.Time {
	n := now.In(london)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// endOfDay is the instant a token chosen to expire on day stops working: the start of the
// next UK day.
func endOfDay(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, london)
}
