package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

const (
	localRequestID = "request_id"
	localSession   = "session"
	localUser      = "user"
	localFlash     = "flash"
	localOrgName   = "organisation_name"
	localRoute     = "route"
	// localTimedOut holds the auth.TimedOutSession of a signed-in session this request found
	// timed out, so a form it sent can be kept for its owner (unsent_form.go).
	localTimedOut = "timed_out_session"
	// localRestored marks a page showing a kept form's values again.
	localRestored = "restored_form"
)

func sessionOf(c *fiber.Ctx) *auth.Session {
	s, _ := c.Locals(localSession).(*auth.Session)
	return s
}

func userOf(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(localUser).(*auth.User)
	return u
}

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// requestLogger returns the logger for this request: every line carries its request id.
func (s *Server) requestLogger(c *fiber.Ctx) *slog.Logger {
	return s.log.With("request_id", requestIDOf(c))
}

// requestID gives each request an id, returned in a header and shown on error pages, so a
// user's report can be matched to the log.
func (s *Server) requestID(c *fiber.Ctx) error {
	assignRequestID(c)
	return c.Next()
}

func assignRequestID(c *fiber.Ctx) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(localRequestID, id)
	c.Set("X-Request-Id", id)
}

// accessLog logs each request once it is done and counts it for the metrics by route
// pattern, never by raw path (ids in paths would explode the series).
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the status logged is the real one.
		if herr := s.handleError(c, err); herr != nil {
			s.requestLogger(c).Error("error handler failed", "error", herr)
		}
	}
	route := "unmatched"
	if r, ok := c.Locals(localRoute).(string); ok {
		route = r
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	s.metrics.observe(c.Method(), route, status, elapsed)
	if strings.HasPrefix(c.Path(), "/static/") && status < 400 {
		return nil
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.requestLogger(c).Log(c.Context(), level, "request",
		"method", c.Method(), "path", c.Path(), "route", route, "status", status,
		"duration_ms", elapsed.Milliseconds(), "ip", c.IP())
	return nil
}

// recoverPanic turns a panic into a 500 page with a reference, and logs the stack.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.requestLogger(c).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = apperr.New(apperr.Internal, "internal error")
		}
	}()
	return c.Next()
}

// contentSecurityPolicy allows our own scripts and styles only: no inline script, no
// framing, forms posting only to us. QR codes are data: images.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. Pages are no-store by default
// (most show personal data); static assets override it.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	if !s.cfg.InsecureCookies {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// cookieName is __Host- prefixed (Secure, path /, no domain) unless development relaxed it.
func (s *Server) cookieName() string {
	if s.cfg.InsecureCookies {
		return "portal_session"
	}
	return "__Host-portal_session"
}

func (s *Server) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name:     s.cookieName(),
		Value:    token,
		Path:     "/",
		Secure:   !s.cfg.InsecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
		MaxAge:   int(s.cfg.SessionAbsolute.Seconds()),
	})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", Secure: !s.cfg.InsecureCookies,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: -1,
		Expires: time.Unix(0, 0),
	})
}

// loadSession finds the visitor's session and user. A session whose user has been disabled
// is ended here, so disabling takes effect on the very next request.
func (s *Server) loadSession(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := audit.Actor{IP: c.IP(), RequestID: requestIDOf(c)}
	token := c.Cookies(s.cookieName())
	if token != "" {
		sess, err := auth.SessionByToken(ctx, s.db, token, s.timeouts())
		if apperr.Is(err, apperr.NotFound) {
			var timedOut *auth.SessionTimedOutError
			if errors.As(err, &timedOut) {
				c.Locals(localTimedOut, timedOut.Session)
			}
			sess, err = nil, nil // ended or never was: the visitor starts afresh
		}
		if err != nil {
			return err
		}
		if sess != nil && sess.UserID != nil {
			u, err := auth.UserByID(ctx, s.db, *sess.UserID)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
			if u == nil || u.Disabled() {
				if err := auth.DeleteSession(ctx, s.db, sess.TokenHash); err != nil {
					return err
				}
				sess = nil
			} else {
				c.Locals(localUser, u)
				actor.UserID, actor.Email, actor.Roles = u.ID, u.Email, u.RoleNames
			}
		}
		if sess == nil {
			s.clearSessionCookie(c)
		} else {
			c.Locals(localSession, sess)
			if sess.Flash != nil && c.Method() == fiber.MethodGet {
				c.Locals(localFlash, *sess.Flash)
				if err := auth.SetFlash(ctx, s.db, sess.TokenHash, ""); err != nil {
					return err
				}
			}
		}
	}
	c.SetUserContext(audit.WithActor(ctx, actor))
	return c.Next()
}

func (s *Server) timeouts() auth.SessionTimeouts {
	return auth.SessionTimeouts{Idle: s.cfg.SessionIdle, Absolute: s.cfg.SessionAbsolute}
}

// ensureSession gives an anonymous visitor a session, so a form can carry a CSRF token
// bound to it. Sign-in replaces it with a fresh one.
func (s *Server) ensureSession(c *fiber.Ctx) (*auth.Session, error) {
	if sess := sessionOf(c); sess != nil {
		return sess, nil
	}
	token, sess, err := auth.NewSession(c.UserContext(), s.db, "", auth.StageAnonymous, "", s.timeouts(), c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return nil, err
	}
	s.setSessionCookie(c, token)
	c.Locals(localSession, sess)
	return sess, nil
}

// errCSRF is shown when a form's token is missing or does not match the session.
var errCSRF = apperr.New(apperr.Forbidden, "This form has expired or was not sent from this service. Go back, reload the page and try again.")

// checkCSRF refuses any state-changing request that does not carry the session's token in
// the _csrf form field or the X-CSRF-Token header (synchroniser token pattern).
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sess := sessionOf(c)
	if sess == nil {
		return errCSRF
	}
	sent := sentCSRF(c)
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRFToken)) != 1 {
		return errCSRF
	}
	return c.Next()
}

// checkCSRFOrKeep is checkCSRF, except that a form sent from a page of a signed-in session
// that has since timed out is kept for that session's owner, who is asked to sign in again
// (keepUnsentForm), rather than told the form has expired. The session is known either from
// this request (its cookie named it as it timed out) or, once it has gone, by the CSRF token
// its pages carried (auth.TimedOutSessionByCSRF), as when another tab reached the timeout
// first and the browser now holds a new session.
func (s *Server) checkCSRFOrKeep(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sess := sessionOf(c)
	if ended, ok := c.Locals(localTimedOut).(auth.TimedOutSession); ok && sess == nil {
		return s.keepUnsentForm(c, ended)
	}
	sent := sentCSRF(c)
	if sent != "" && (sess == nil || subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRFToken)) != 1) {
		ended, err := auth.TimedOutSessionByCSRF(c.UserContext(), s.db, sent)
		if err == nil {
			return s.keepUnsentForm(c, ended)
		}
		if !apperr.Is(err, apperr.NotFound) {
			return err
		}
	}
	return s.checkCSRF(c)
}

// sentCSRF is the token a request carries: the X-CSRF-Token header, or the _csrf field.
func sentCSRF(c *fiber.Ctx) string {
	if sent := c.Get("X-CSRF-Token"); sent != "" {
		return sent
	}
	return c.FormValue("_csrf")
}

// guard applies a route's access rule before its handler.
func (s *Server) guard(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, r.Method+" "+r.Path)
		switch r.Rule.decide(sessionOf(c), userOf(c), s.cfg.Development()) {
		case needSignIn:
			if c.Method() == fiber.MethodGet {
				return c.Redirect("/sign-in?next="+url.QueryEscape(safeNext(c.OriginalURL())), fiber.StatusSeeOther)
			}
			return apperr.New(apperr.Unauthorized, "Sign in to continue")
		case forbidden:
			s.refused(c, r.Rule.Name, "role or sign-in stage")
			return apperr.New(apperr.Forbidden, "You do not have permission to see this page")
		case notAvailable:
			return fiber.ErrNotFound
		case needToken:
			return s.apiAuthorise(c, r)
		}
		if u := userOf(c); u != nil {
			if err := s.loadOrganisation(c, u); err != nil {
				return err
			}
			if redirected, err := s.requireCurrentNotice(c, r); redirected || err != nil {
				return err
			}
		}
		return r.Handler(c)
	}
}

// safeNext keeps only same-site relative paths, so ?next= cannot send a user elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || len(next) > 500 || strings.ContainsAny(next, "\t\r\n") {
		return "/"
	}
	return next
}

// withTimeout bounds the database work of one request.
func (s *Server) withTimeout(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}
