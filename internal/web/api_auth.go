package web

import (
	"errors"
	"strings"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/audit"
	"github.com/gofiber/fiber/v2"
)

// localAPIToken holds the token an API request was authorised with.
const localAPIToken = "api_token"

// apiTokenOf is the token the request was authorised with; nil outside the API.
func apiTokenOf(c *fiber.Ctx) *apitoken.Token {
	t, _ := c.Locals(localAPIToken).(*apitoken.Token)
	return t
}

// isAPIPath reports whether a path is the API's. The router matches paths without regard
// to case, so this does too.
func isAPIPath(path string) bool {
	p := strings.ToLower(path)
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

// isMachinePath reports whether a path is the API's or the open data's: routes for
// programs, which take no cookies and answer errors as problem+json.
func isMachinePath(path string) bool {
	return isAPIPath(path) || strings.HasPrefix(strings.ToLower(path), openDataPrefix)
}

// exceptAPI runs h on every request but the API's and the open data's (isMachinePath). The
// API takes no cookies: no session is
// loaded for it, so a session can never authorise an API request (nor be touched by one),
// and CSRF, which is a risk of cookie credentials, does not arise. Its requests carry an
// anonymous actor until a token is checked.
func (s *Server) exceptAPI(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !isMachinePath(c.Path()) {
			return h(c)
		}
		c.SetUserContext(audit.WithActor(c.UserContext(), audit.Actor{IP: c.IP(), RequestID: requestIDOf(c)}))
		return c.Next()
	}
}

// bearerSecret reads the token from the Authorization header (RFC 6750: the header only,
// never the query string, where it would end up in logs).
func bearerSecret(c *fiber.Ctx) (string, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderAuthorization))
	scheme, secret, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") {
		return "", tokenProblem(problemTokenMissing, "Token missing",
			"Send an API token in the Authorization header: Authorization: Bearer pp_…")
	}
	return strings.TrimSpace(secret), nil
}

// apiAuthorise lets an API request through when its bearer token is usable, within its rate
// limit and holds the route's scope; what the request does is then recorded as done by the
// token. Any refusal is a problem: 401 for the token, 429 for the rate, 403 for the scope.
func (s *Server) apiAuthorise(c *fiber.Ctx, r Route) error {
	secret, err := bearerSecret(c)
	if err != nil {
		return err
	}
	tok, err := apitoken.Authenticate(c.UserContext(), s.db, secret, s.clock())
	switch {
	case errors.Is(err, apitoken.ErrExpired):
		return tokenProblem(problemTokenExpired, "Token expired", apitoken.ErrExpired.Message)
	case errors.Is(err, apitoken.ErrRevoked):
		return tokenProblem(problemTokenRevoked, "Token revoked", apitoken.ErrRevoked.Message)
	case errors.Is(err, apitoken.ErrMakerInactive):
		return tokenProblem(problemTokenInvalid, "Invalid token", apitoken.ErrMakerInactive.Message)
	case errors.Is(err, apitoken.ErrInvalid):
		return tokenProblem(problemTokenInvalid, "Invalid token", apitoken.ErrInvalid.Message)
	case err != nil:
		return err
	}
	d := s.apiLimits.take(tok.ID)
	setRateHeaders(c, d)
	if !d.allowed {
		return newProblem(fiber.StatusTooManyRequests, problemRateLimited, "Too many requests",
			"This token has made more requests than its rate limit allows. Wait for the time in Retry-After, then try again.")
	}
	if !tok.Has(r.Rule.Scope) {
		detail := "This token does not have the " + string(r.Rule.Scope) + " scope this request needs. Ask an administrator for a token that has it."
		if tok.Listed(r.Rule.Scope) {
			detail = "The administrator who made this token no longer holds the roles the " + string(r.Rule.Scope) +
				" scope needs, so the token no longer carries it. Ask an administrator for a new token."
		}
		p := newProblem(fiber.StatusForbidden, problemScopeMissing, "Scope missing", detail)
		c.SetUserContext(audit.WithActor(c.UserContext(), audit.Actor{Email: tok.Actor(), Roles: []string{"api-token"},
			IP: c.IP(), RequestID: requestIDOf(c)}))
		s.refused(c, "scope "+string(r.Rule.Scope), "token scope")
		p.authenticate = `Bearer realm="` + apiRealm + `", error="insufficient_scope", scope="` + string(r.Rule.Scope) + `"`
		return p
	}
	c.Locals(localAPIToken, tok)
	c.SetUserContext(audit.WithActor(c.UserContext(), audit.Actor{Email: tok.Actor(), Roles: []string{"api-token"},
		IP: c.IP(), RequestID: requestIDOf(c)}))
	return r.Handler(c)
}
