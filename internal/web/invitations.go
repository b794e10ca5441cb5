package web

import (
	"errors"
	"net/url"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// Joining an organisation through an invitation link (/invitations/:token): reading the
// privacy notice, making an account or signing in, and accepting.

// invitationPage is the page an invitation link opens; State says which of its forms applies.
type invitationPage struct {
	Page
	noticeView
	Invitation *membership.Invitation
	Token      string
	State      string // "join", "other-account", "sign-in", "notice", "account" or "expired"
	Message    string
	SignInURL  string
	MinLength  int
	Name       string
}

// invitation shows what the invitee does next: join (signed in as the invited provider),
// sign in (their address has an account), or read the notice and make an account.
func (s *Server) invitation(c *fiber.Ctx) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return s.invitationState(c, fiber.StatusOK, "", nil)
}

// invitationState works out and renders the invitation page. status and errs are kept
// when the account form is shown again.
func (s *Server) invitationState(c *fiber.Ctx, status int, name string, errs []FieldError) error {
	ctx := c.UserContext()
	token := c.Params("token")
	data := invitationPage{Token: token, Name: name, MinLength: auth.MinPasswordLength,
		SignInURL: "/sign-in?next=" + url.QueryEscape("/invitations/"+token)}
	inv, err := membership.InvitationByToken(ctx, s.db, token)
	if apperr.Is(err, apperr.NotFound) {
		data.Page, data.State, data.Message = s.page(c, "This invitation does not work"), "expired", apperr.MessageOf(err)
		return render(c, fiber.StatusNotFound, "invitations/show", data)
	}
	if err != nil {
		return err
	}
	data.Invitation = inv
	title := "Join " + inv.OrganisationName
	if sess, u := sessionOf(c), userOf(c); sess != nil && sess.Stage == auth.StageFull && u != nil {
		data.State = "join"
		if err := membership.CanAccept(inv, u); err != nil {
			data.State, data.Message, status = "other-account", apperr.MessageOf(err), fiber.StatusForbidden
		}
		data.Page = s.page(c, title)
		return render(c, status, "invitations/show", data)
	}
	_, err = auth.UserByEmail(ctx, s.db, inv.Email)
	switch {
	case err == nil:
		data.State = "sign-in"
	case !apperr.Is(err, apperr.NotFound):
		return err
	default:
		n, readAt, err := s.visitorNotice(c)
		if err != nil {
			return err
		}
		data.State = "account"
		if readAt == nil {
			data.State = "notice"
			if data.noticeView, err = s.currentNotice(ctx, title); err != nil {
				return err
			}
			title = n.Title
		}
	}
	data.Page = s.page(c, title)
	data.Page.Errors = errs
	return render(c, status, "invitations/show", data)
}

// invitationNoticeRead records that the invitee read the notice, then shows the account form.
func (s *Server) invitationNoticeRead(c *fiber.Ctx) error {
	if _, err := membership.InvitationByToken(c.UserContext(), s.db, c.Params("token")); err != nil {
		return s.invitationState(c, fiber.StatusNotFound, "", nil)
	}
	ok, err := s.readNotice(c)
	if err != nil {
		return err
	}
	if !ok {
		return s.invitationState(c, fiber.StatusConflict, "", nil)
	}
	return c.Redirect("/invitations/"+url.PathEscape(c.Params("token")), fiber.StatusSeeOther)
}

// invitationAccept joins the signed-in provider to the organisation and acts for it.
func (s *Server) invitationAccept(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := s.memberships.AcceptInvitation(ctx, c.Params("token"), userOf(c))
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Forbidden) {
		return s.invitationState(c, fiber.StatusNotFound, "", nil)
	}
	if err != nil {
		return err
	}
	if err := auth.SetSessionOrganisation(ctx, s.db, sessionOf(c).TokenHash, inv.OrganisationID); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "You have joined "+inv.OrganisationName+". You are now acting for it.")
}

// invitationAccount makes an account for an invitee without one, who has read the notice
// in this session, and joins them; then they sign in.
func (s *Server) invitationAccount(c *fiber.Ctx) error {
	n, readAt, err := s.visitorNotice(c)
	if err != nil {
		return err
	}
	if readAt == nil {
		return c.Redirect("/invitations/"+url.PathEscape(c.Params("token")), fiber.StatusSeeOther)
	}
	var f struct {
		Name string `form:"name" label:"full name"`
	}
	decodeErrs := decodeForm(c, &f)
	_, inv, err := s.memberships.RegisterByInvitation(c.UserContext(), c.Params("token"), membership.InvitedAccount{
		Name: f.Name, Password: c.FormValue("password"), PasswordConfirm: c.FormValue("password_confirm"),
		NoticeID: n.ID, NoticeReadAt: *readAt,
	})
	switch {
	case errors.Is(err, membership.ErrNoticeChanged), apperr.Is(err, apperr.Conflict):
		return s.invitationState(c, fiber.StatusConflict, "", nil)
	case apperr.Is(err, apperr.NotFound):
		return s.invitationState(c, fiber.StatusNotFound, "", nil)
	}
	fields := apperr.FieldsOf(err)
	if err != nil && fields == nil {
		return err
	}
	if len(fields) > 0 || len(decodeErrs) > 0 {
		if fields == nil {
			fields = map[string]string{}
		}
		for k, v := range decodeErrs {
			fields[k] = v
		}
		return s.invitationState(c, fiber.StatusUnprocessableEntity, f.Name, fieldErrors([]string{"name", "password", "password_confirm"}, fields))
	}
	return s.redirectWithFlash(c, "/sign-in", "Your account is ready and you have joined "+inv.OrganisationName+". Sign in with your email address and password.")
}
