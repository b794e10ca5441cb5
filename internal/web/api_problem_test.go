package web

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/gofiber/fiber/v2"
)

// TestProblemFor pins how each error a request can end with becomes a problem: the status,
// the type a client matches on, and a detail that never carries an internal cause.
func TestProblemFor(t *testing.T) {
	cause := errors.New(`pq: relation "secret_table" does not exist`)
	tests := []struct {
		name   string
		err    error
		status int
		typ    string
		title  string
		detail string
	}{
		{"the API's own", tokenProblem(problemTokenExpired, "Token expired", "expired"), 401, problemTokenExpired, "Token expired", "expired"},
		{"wrapped", fmt.Errorf("authorise: %w", newProblem(403, problemScopeMissing, "Scope missing", "no scope")), 403, problemScopeMissing, "Scope missing", "no scope"},
		{"not found", apperr.New(apperr.NotFound, "Provider not found"), 404, problemBlank, "Not Found", "Provider not found"},
		{"invalid", apperr.InvalidFields(map[string]string{"q": "too long"}), 400, problemInvalidParameter, "Invalid parameter", "There is a problem"},
		{"unauthorised", apperr.New(apperr.Unauthorized, "no"), 401, problemTokenInvalid, "Invalid token", "no"},
		{"conflict", apperr.New(apperr.Conflict, "changed"), 409, problemBlank, "Conflict", "changed"},
		{"throttled", apperr.New(apperr.TooMany, "slow down"), 429, problemRateLimited, "Too many requests", "slow down"},
		{"fiber 400", fiber.NewError(400, "page must be a whole number"), 400, problemInvalidParameter, "Invalid parameter", "page must be a whole number"},
		{"fiber 404", fiber.ErrNotFound, 404, problemBlank, "Not Found", ""},
		{"fiber 405", fiber.ErrMethodNotAllowed, 405, problemBlank, "Method Not Allowed", ""},
		{"fiber 413", fiber.ErrRequestEntityTooLarge, 413, problemBlank, "Request Entity Too Large", ""},
		{"fiber 503", fiber.ErrServiceUnavailable, 500, problemBlank, "Internal Server Error", ""},
		{"a bug", cause, 500, problemBlank, "Internal Server Error", ""},
		{"an internal apperr", apperr.Wrap(apperr.Internal, cause, "failed"), 500, problemBlank, "Internal Server Error", ""},
		{"database gone", fmt.Errorf("list: %w", driver.ErrBadConn), 503, problemBlank, "Service Unavailable", ""},
	}
	for _, tt := range tests {
		p := problemFor(tt.err)
		if p.Status != tt.status || p.Type != tt.typ || p.Title != tt.title {
			t.Errorf("%s: %d %s %q, want %d %s %q", tt.name, p.Status, p.Type, p.Title, tt.status, tt.typ, tt.title)
		}
		if tt.detail != "" && p.Detail != tt.detail {
			t.Errorf("%s: detail %q, want %q", tt.name, p.Detail, tt.detail)
		}
		if strings.Contains(p.Detail, "secret_table") || strings.Contains(p.Detail, "pq:") {
			t.Errorf("%s: the detail shows the cause: %q", tt.name, p.Detail)
		}
	}
	if p := problemFor(apperr.InvalidFields(map[string]string{"q": "too long"})); p.Errors["q"] != "too long" {
		t.Errorf("invalid fields: errors %v", p.Errors)
	}
}

// TestTokenProblemChallenges checks the WWW-Authenticate challenge of RFC 6750: no error
// code when no token was sent, invalid_token when one was and failed.
func TestTokenProblemChallenges(t *testing.T) {
	tests := map[string]string{
		problemTokenMissing: `Bearer realm="Provider Portal API"`,
		problemTokenInvalid: `Bearer realm="Provider Portal API", error="invalid_token", error_description="Invalid token"`,
		problemTokenExpired: `Bearer realm="Provider Portal API", error="invalid_token", error_description="Token expired"`,
	}
	titles := map[string]string{problemTokenMissing: "Token missing", problemTokenInvalid: "Invalid token", problemTokenExpired: "Token expired"}
	for typ, want := range tests {
		if got := tokenProblem(typ, titles[typ], "").authenticate; got != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
}
