package web

import (
	"errors"
	"net/url"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// An organisation's members: who they are, who has been invited, inviting and removing
// people, joining through an invitation, and switching between organisations.

type membersPage struct {
	Page
	Members     []membership.Member
	Invitations []membership.PendingInvitation
	Me          string
	Email       string // the invitation form's address, kept on error
}

func (s *Server) membersPage(c *fiber.Ctx, status int, errs []FieldError, email string) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	data := membersPage{Page: s.page(c, "Members"), Me: userOf(c).ID, Email: email}
	data.Page.Errors = errs
	if data.Members, err = membership.Members(ctx, s.db, orgID); err != nil {
		return err
	}
	if data.Invitations, err = membership.PendingInvitations(ctx, s.db, orgID); err != nil {
		return err
	}
	return render(c, status, "membership/members", data)
}

// members lists the organisation's members and live invitations, with the invitation form.
func (s *Server) members(c *fiber.Ctx) error {
	return s.membersPage(c, fiber.StatusOK, nil, "")
}

// memberInvite emails a colleague a link to join the organisation.
func (s *Server) memberInvite(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	var f struct {
		Email string `form:"email" label:"email address"`
	}
	fields := decodeForm(c, &f)
	if len(fields) == 0 {
		err := s.memberships.InviteMember(c.UserContext(), orgID, f.Email, userOf(c))
		if fields = apperr.FieldsOf(err); fields == nil && err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return s.membersPage(c, fiber.StatusUnprocessableEntity, fieldErrors([]string{"email"}, fields), f.Email)
	}
	return s.redirectWithFlash(c, "/organisation/members", "Invitation sent to "+f.Email+". The link works for 7 days.")
}

// memberRemove takes a person out of the organisation; a member removing themselves leaves it.
func (s *Server) memberRemove(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	u := userOf(c)
	m, err := s.memberships.RemoveMember(c.UserContext(), orgID, c.Params("id"), u)
	if apperr.Is(err, apperr.Invalid) {
		return s.membersPage(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "members", Message: apperr.MessageOf(err)}}, "")
	}
	if err != nil {
		return err
	}
	if m.UserID == u.ID {
		orgName, _ := c.Locals(localOrgName).(string)
		return s.redirectWithFlash(c, "/", "You have left "+orgName+".")
	}
	return s.redirectWithFlash(c, "/organisation/members", m.Name+" has been removed.")
}

type switchPage struct {
	Page
	Organisations []membership.Organisation
	Current       string
}

// organisationSwitchForm lists the user's organisations to choose which to act for.
func (s *Server) organisationSwitchForm(c *fiber.Ctx) error {
	orgs, err := membership.Organisations(c.UserContext(), s.db, userOf(c).ID)
	if err != nil {
		return err
	}
	data := switchPage{Page: s.page(c, "Switch organisation"), Organisations: orgs}
	if sess := sessionOf(c); sess.OrganisationID != nil {
		data.Current = *sess.OrganisationID
	}
	return render(c, fiber.StatusOK, "membership/switch", data)
}

// organisationSwitch acts for another organisation the user belongs to. Any other id is
// "not found", whether it exists or not, and changes nothing.
func (s *Server) organisationSwitch(c *fiber.Ctx) error {
	org, err := s.memberships.SwitchOrganisation(c.UserContext(), sessionOf(c), userOf(c), c.FormValue("organisation_id"))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "You are now acting for "+org.Name+".")
}

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
		return render(c, fiber.StatusNotFound, "membership/invitation", data)
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
		return render(c, status, "membership/invitation", data)
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
	return render(c, status, "membership/invitation", data)
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
