package web

import (
	"cmp"
	"context"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// noticeView is a privacy notice ready to show in full: every page that shows one embeds
// it, and the "privacy-notice" partial draws it.
type noticeView struct {
	Notice  *privacy.Notice
	Body    template.HTML
	Caption string
}

// currentNotice is the provider privacy notice in force, rendered with the council's details.
func (s *Server) currentNotice(ctx context.Context, caption string) (noticeView, error) {
	n, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil {
		return noticeView{}, err
	}
	body, err := s.noticeHTML(ctx, n)
	if err != nil {
		return noticeView{}, err
	}
	return noticeView{Notice: n, Body: body, Caption: caption}, nil
}

// noticeHTML renders a notice version with the council's details and the retention rules
// in force now.
func (s *Server) noticeHTML(ctx context.Context, n *privacy.Notice) (template.HTML, error) {
	kept, err := retention.NoticeSection(ctx, s.db)
	if err != nil {
		return "", err
	}
	return n.HTML(s.cfg.Council, kept)
}

type privacyNoticePage struct {
	Page
	noticeView
	// DPOEmail is where people without an account ask for a correction.
	DPOEmail string
}

// privacyNotice shows the current provider privacy notice to anyone, at /privacy-notice
// (where the pages that collect personal data link) and at /privacy (the footer's link).
func (s *Server) privacyNotice(c *fiber.Ctx) error {
	nv, err := s.currentNotice(c.UserContext(), "")
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "privacy/notice", privacyNoticePage{Page: s.page(c, nv.Notice.Title), noticeView: nv,
		DPOEmail: cmp.Or(s.cfg.Council.DPOEmail, s.cfg.Council.Email)})
}

// noticeAcknowledgePath is where a provider is sent to read a newer notice.
const noticeAcknowledgePath = "/privacy-notice/acknowledge"

// requireCurrentNotice is the notice gate, called by guard on every route: a signed-in
// provider who acknowledged an older version of the privacy notice than the one now in
// force is sent to read the new one before anything else. Public pages (sign-out among
// them) and the notice pages themselves stay reachable. It reports whether it redirected.
//
// A provider with no acknowledgement at all (an account made by an operator rather than
// through registration or an invitation) is not held here: they can read and acknowledge
// the notice at the same address, and the pages that collect their data link to it.
func (s *Server) requireCurrentNotice(c *fiber.Ctx, r Route) (bool, error) {
	sess, u := sessionOf(c), userOf(c)
	if r.Rule.Stage != auth.StageFull || sess == nil || sess.Stage != auth.StageFull || u == nil ||
		!u.Has(auth.RoleProvider) || strings.HasPrefix(r.Path, "/privacy-notice") {
		return false, nil
	}
	due, err := newerNoticeDue(c.UserContext(), s.db, u.ID)
	if err != nil || !due {
		return false, err
	}
	return true, c.Redirect(noticeAcknowledgePath+"?next="+url.QueryEscape(returnAfterGate(c)), fiber.StatusSeeOther)
}

// returnAfterGate is where the person goes once they have read the notice: the page they
// asked for, or for a form they sent (a POST cannot be replayed by a redirect), the page of
// this site the form was on, so they can send it again: joining an organisation from an
// invitation must not end, silently, on the home page.
func returnAfterGate(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodGet {
		return safeNext(c.OriginalURL())
	}
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" &&
		(ref.Host == "" || ref.Host == c.Hostname() || ref.Host == string(c.Request().Host())) {
		return safeNext(ref.RequestURI())
	}
	return "/"
}

// newerNoticeDue reports whether the user has yet to acknowledge the current provider
// notice: they acknowledged an older version, or none.
func newerNoticeDue(ctx context.Context, q sqlx.QueryerContext, userID string) (bool, error) {
	latest, err := privacy.LatestAcknowledgement(ctx, q, userID, privacy.AudienceProvider)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return false, err
	}
	current, err := privacy.Current(ctx, q, privacy.AudienceProvider)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// A provider user made by an administrator or a command has never seen any notice: they
	// read it before going on, like anyone who last saw an older version.
	return latest == nil || current.Version > latest.Version, nil
}

type noticeAcknowledgePage struct {
	Page
	noticeView
	Next string
	// Updated says they acknowledged an earlier version; otherwise this is the first
	// time they are asked to read it.
	Updated bool
}

// noticeAcknowledgeForm shows the current notice in full with a button to continue, to a
// provider who has not acknowledged it; anyone who has goes straight on.
func (s *Server) noticeAcknowledgeForm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	next := safeNext(c.Query("next"))
	needs, _, err := privacy.NeedsAcknowledgement(ctx, s.db, userOf(c).ID, privacy.AudienceProvider)
	if err != nil {
		return err
	}
	if !needs {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	_, err = privacy.LatestAcknowledgement(ctx, s.db, userOf(c).ID, privacy.AudienceProvider)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	updated := err == nil
	caption := "Our privacy notice"
	if updated {
		caption = "Our privacy notice has changed"
	}
	nv, err := s.currentNotice(ctx, caption)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "privacy/acknowledge", noticeAcknowledgePage{Page: s.page(c, nv.Notice.Title), noticeView: nv,
		Next: next, Updated: updated})
}

// noticeAcknowledge records that the provider read the notice they were shown, if it is
// still the current one (otherwise they are shown the newer one), and sends them on.
func (s *Server) noticeAcknowledge(c *fiber.Ctx) error {
	ctx := c.UserContext()
	next := safeNext(c.FormValue("next"))
	n, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil {
		return err
	}
	if c.FormValue("notice_id") != n.ID {
		return c.Redirect(noticeAcknowledgePath+"?next="+url.QueryEscape(next), fiber.StatusSeeOther)
	}
	err = db.Transact(ctx, s.db, func(tx *sqlx.Tx) error {
		return privacy.Acknowledge(ctx, tx, userOf(c).ID, n.ID, nil)
	})
	if err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// visitorNotice returns the current notice and, when the visitor read that very version
// earlier in this session, when they read it (nil when they have not).
func (s *Server) visitorNotice(c *fiber.Ctx) (*privacy.Notice, *time.Time, error) {
	ctx := c.UserContext()
	n, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil {
		return nil, nil, err
	}
	sess := sessionOf(c)
	if sess == nil {
		return n, nil, nil
	}
	id, at, err := auth.SessionNotice(ctx, s.db, sess.TokenHash)
	if err != nil {
		return nil, nil, err
	}
	if id != n.ID {
		return n, nil, nil
	}
	return n, &at, nil
}

// readNotice records on the visitor's session that they read the notice whose id the form
// carries. It reports false, recording nothing, when that is no longer the current notice.
func (s *Server) readNotice(c *fiber.Ctx) (bool, error) {
	n, err := privacy.Current(c.UserContext(), s.db, privacy.AudienceProvider)
	if err != nil {
		return false, err
	}
	sess := sessionOf(c)
	if sess == nil || c.FormValue("notice_id") != n.ID {
		return false, nil
	}
	return true, auth.RecordSessionNotice(c.UserContext(), s.db, sess.TokenHash, n.ID)
}
