package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/gofiber/fiber/v2"
)

// problemContentType is the media type of every API error (RFC 9457).
const problemContentType = "application/problem+json"

// Problem types of the API. A client matches on these rather than on the words, which may
// change; the OpenAPI document lists them. A problem with no more to say than its status is
// "about:blank", titled with the status's name, as RFC 9457 has it.
const (
	problemBlank            = "about:blank"
	problemTokenMissing     = "urn:provider-portal:problem:token-missing"
	problemTokenInvalid     = "urn:provider-portal:problem:token-invalid"
	problemTokenExpired     = "urn:provider-portal:problem:token-expired"
	problemTokenRevoked     = "urn:provider-portal:problem:token-revoked"
	problemScopeMissing     = "urn:provider-portal:problem:scope-missing"
	problemInvalidParameter = "urn:provider-portal:problem:invalid-parameter"
	problemRateLimited      = "urn:provider-portal:problem:rate-limited"
)

// apiRealm names the protection space in WWW-Authenticate (RFC 6750).
const apiRealm = "Provider Portal API"

// problem is an API error response: RFC 9457's members, the request id (to quote to the
// council, matching the log), and for a bad request one message per query parameter.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	RequestID string            `json:"request_id"`
	Errors    map[string]string `json:"errors,omitempty"`

	// authenticate is the WWW-Authenticate challenge sent with a 401 or a missing scope.
	authenticate string
}

// apiError is a problem returned as an error by the API's own code.
type apiError struct{ problem }

func (e *apiError) Error() string { return e.Title + ": " + e.Detail }

func newProblem(status int, typ, title, detail string) *apiError {
	if typ == problemBlank {
		title = http.StatusText(status)
	}
	return &apiError{problem{Type: typ, Title: title, Status: status, Detail: detail}}
}

// invalidParameters is a 400 naming each query parameter that is wrong and why.
func invalidParameters(errs map[string]string) *apiError {
	p := newProblem(fiber.StatusBadRequest, problemInvalidParameter, "Invalid parameter",
		"One or more query parameters are not valid: see errors.")
	p.Errors = errs
	return p
}

// problemFor maps any error a request can end with to its problem: the API's own as they
// are, the portal's error kinds by the table the web pages use (kindResponses), and anything else as a 500 that
// says nothing of the cause.
func problemFor(err error) problem {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.problem
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch {
		case fe.Code == fiber.StatusBadRequest:
			return newProblem(fe.Code, problemInvalidParameter, "Invalid parameter", fe.Message).problem
		case fe.Code >= 400 && fe.Code < 500:
			return newProblem(fe.Code, problemBlank, "", "").problem
		}
		return internalProblem()
	}
	kind := apperr.KindOf(err)
	if r, ok := kindResponses[kind]; ok {
		if kind == apperr.Unauthorized {
			return tokenProblem(r.problemType, r.problemTitle, apperr.MessageOf(err)).problem
		}
		p := newProblem(r.status, r.problemType, r.problemTitle, apperr.MessageOf(err))
		p.Errors = apperr.FieldsOf(err)
		return p.problem
	}
	if db.IsUnavailable(err) {
		// The database is down or restarting: temporary, so a 503 tells the client to retry.
		return newProblem(fiber.StatusServiceUnavailable, problemBlank, "", "The service is unavailable for a moment. Try again in a few minutes.").problem
	}
	return internalProblem()
}

func internalProblem() problem {
	return newProblem(fiber.StatusInternalServerError, problemBlank, "",
		"Something went wrong on our side. If it keeps happening, tell the council and quote the request_id.").problem
}

// tokenProblem is a 401 with its Bearer challenge: error="invalid_token" unless the request
// carried no token at all (RFC 6750 section 3.1).
func tokenProblem(typ, title, detail string) *apiError {
	p := newProblem(fiber.StatusUnauthorized, typ, title, detail)
	p.authenticate = `Bearer realm="` + apiRealm + `"`
	if typ != problemTokenMissing {
		p.authenticate += `, error="invalid_token", error_description="` + title + `"`
	}
	return p
}

// handleAPIError writes the problem for err: every API response that is not a success is
// application/problem+json, never the HTML error page. The log gets the cause.
func (s *Server) handleAPIError(c *fiber.Ctx, err error) error {
	p := problemFor(err)
	log := s.requestLogger(c)
	if p.Status >= 500 {
		log.Error("request failed", "error", err.Error(), "path", c.Path(), "method", c.Method())
	} else {
		log.Info("request refused", "status", p.Status, "reason", err.Error(), "path", c.Path())
	}
	return writeProblem(c, p)
}

func writeProblem(c *fiber.Ctx, p problem) error {
	p.Instance, p.RequestID = c.Path(), requestIDOf(c)
	if p.authenticate != "" {
		c.Set(fiber.HeaderWWWAuthenticate, p.authenticate)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, problemContentType)
	return c.Status(p.Status).Send(body)
}
