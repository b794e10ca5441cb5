package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/gofiber/fiber/v2"
)

// errorPage is the view model of the 4xx and 5xx pages: a plain message and a reference,
// never internals.
type errorPage struct {
	Page
	Heading   string
	Message   string
	Reference string
	Status    int
	SignIn    bool
}

// handleError is the one place an error becomes a status and a page. The user sees a safe
// message and the request id; the log gets the cause.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if requestIDOf(c) == "" {
		// fasthttp refused the request (too large, malformed) before any middleware ran.
		assignRequestID(c)
		s.setSecurityHeaders(c)
	}
	if isMachinePath(c.Path()) {
		return s.handleAPIError(c, err)
	}
	status, heading, message := classify(err)
	log := s.requestLogger(c)
	if status >= 500 {
		log.Error("request failed", "error", err.Error(), "path", c.Path(), "method", c.Method())
	} else {
		log.Info("request refused", "status", status, "reason", err.Error(), "path", c.Path())
	}
	if wait, ok := retryAfterOf(err); ok {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(wait.Seconds())))
	}
	p := s.page(c, heading)
	data := errorPage{Page: p, Heading: heading, Message: message, Reference: requestIDOf(c), Status: status,
		SignIn: status == fiber.StatusUnauthorized}
	if rerr := render(c, status, "errors/error", data); rerr != nil {
		log.Error("render error page", "error", rerr)
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(message + " Reference: " + requestIDOf(c))
	}
	return nil
}

// kindResponse is how the portal answers one kind of failure: the status, the error page's
// heading, and the API problem's type and title. Pages (classify) and the JSON API
// (problemFor) both read this one table, so a kind cannot mean 404 on one and 400 on the
// other.
type kindResponse struct {
	status                    int
	heading                   string
	problemType, problemTitle string
}

var kindResponses = map[apperr.Kind]kindResponse{
	apperr.Invalid:      {fiber.StatusBadRequest, "There is a problem with your request", problemInvalidParameter, "Invalid parameter"},
	apperr.NotFound:     {fiber.StatusNotFound, "Page not found", problemBlank, ""},
	apperr.Unauthorized: {fiber.StatusUnauthorized, "You need to sign in", problemTokenInvalid, "Invalid token"},
	apperr.Forbidden:    {fiber.StatusForbidden, "You cannot do that", problemBlank, ""},
	apperr.Conflict:     {fiber.StatusConflict, "Someone else changed this", problemBlank, ""},
	apperr.TooMany:      {fiber.StatusTooManyRequests, "Too many attempts", problemRateLimited, "Too many requests"},
}

func classify(err error) (status int, heading, message string) {
	if wait, ok := auth.IsThrottled(err); ok {
		return fiber.StatusTooManyRequests, "Too many attempts", fmt.Sprintf("Wait %s before trying again.", wait)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "Page not found", "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "What you sent is too large", "The file or form was larger than this service accepts. Files must be 10 MB or smaller."
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "Page not found", "This address does not accept that kind of request."
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, "There is a problem with your request", "The request could not be understood. Go back and try again."
		}
		return http.StatusInternalServerError, "Sorry, there is a problem with the service", "Try again later."
	}
	if r, ok := kindResponses[apperr.KindOf(err)]; ok {
		return r.status, r.heading, apperr.MessageOf(err)
	}
	if db.IsUnavailable(err) {
		// The database is down or restarting: temporary, so 503 lets clients and load
		// balancers retry instead of reporting a fault in the portal.
		return fiber.StatusServiceUnavailable, "Sorry, the service is unavailable", "Try again in a few minutes."
	}
	return fiber.StatusInternalServerError, "Sorry, there is a problem with the service", "Try again later. If you contact us about this, quote the reference below."
}

func retryAfterOf(err error) (wait time.Duration, ok bool) {
	return auth.IsThrottled(err)
}
